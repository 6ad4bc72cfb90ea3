module github.com/edgeverify/edgeverify/examples/go

go 1.19
