#!/usr/bin/env python3
"""Ask a running `edgeverify serve` about programs: one JSON answer per line on stdout.

    python3 packaging/query.py /run/edgeverify/edgeverify.sock /usr/local/bin/edgecore ...

The protocol (agent/README.md): newline-delimited JSON over a Unix stream socket, request
{"path": "/abs/path"}, answer {"allow", "rule", "reason", "identity", "cached", "sha256"}; many
requests per connection. Exit 0 when every program was allowed, 1 when one was denied, 2 when
the daemon could not be asked. A stand-in for a real client, used by the package test.
"""
import json
import socket
import sys


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sock_path, programs = sys.argv[1], sys.argv[2:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(sock_path)
            reader = s.makefile("rb")
            denied = False
            for program in programs:
                s.sendall(json.dumps({"path": program}).encode() + b"\n")
                line = reader.readline()
                if not line:
                    print(f"{sock_path}: the daemon closed the connection", file=sys.stderr)
                    return 2
                answer = json.loads(line)
                print(json.dumps(answer, sort_keys=True))
                denied |= answer.get("allow") is not True
            return 1 if denied else 0
    except (OSError, ValueError) as e:
        print(f"{sock_path}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
