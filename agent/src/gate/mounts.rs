//! Which files cannot change while the daemon looks: those on a *read-only superblock* of a
//! local file system, for as long as the mount table does not change.
//!
//! A file's stat fingerprint (device, inode, size, mtime, ctime) does not prove its content:
//! a write through an already dirty `MAP_SHARED` page changes none of it (ext4, tmpfs), and a
//! removable medium edited offline and mounted again keeps all five. On a superblock mounted
//! read-only nothing can write the file (no `write`, no writable shared mapping; the kernel
//! refuses to remount read-only while a file is open for writing), and a remount (read-write,
//! or another medium) changes the mount table, which `/proc/self/mountinfo` reports through
//! `poll` (`POLLPRI`). So the daemon may answer from a digest it computed earlier only for
//! files on such superblocks, and only while the mount table is the one it saw then
//! ([`MountWatch::generation`]); everything else is hashed again for every request.
//!
//! Not covered: someone who can write the block device itself (root, the `disk` group), and
//! network or stacked file systems (NFS, FUSE, overlayfs: their content can change under a
//! read-only mount, so they are never trusted).

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::sync::{Mutex, PoisonError};

use crate::sys;

/// Local file systems whose read-only superblock means read-only content.
const LOCAL_FILE_SYSTEMS: &[&str] = &[
    "ext2", "ext3", "ext4", "xfs", "squashfs", "erofs", "iso9660", "vfat", "tmpfs",
];
/// Largest mountinfo read (a few hundred bytes per mount).
const MAX_MOUNTINFO_BYTES: u64 = 4 * 1024 * 1024;

/// The mount table as last seen.
struct Seen {
    /// `st_dev` of every read-only local superblock.
    immutable: HashSet<u64>,
    /// Incremented whenever the mount table changes.
    generation: u64,
}

/// Watches `/proc/self/mountinfo`.
pub(crate) struct MountWatch {
    /// `None` where /proc is unavailable: then nothing counts as immutable.
    file: Option<File>,
    seen: Mutex<Seen>,
}

impl MountWatch {
    pub(crate) fn new() -> Self {
        let mut file = File::open("/proc/self/mountinfo").ok();
        let immutable = file.as_mut().map(read_immutable).unwrap_or_default();
        Self {
            file,
            seen: Mutex::new(Seen {
                immutable,
                generation: 0,
            }),
        }
    }

    /// The current generation of the mount table (one `poll`; the table is read again only
    /// after a change).
    pub(crate) fn generation(&self) -> u64 {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = &self.file {
            if sys::poll_priority(file.as_raw_fd()) {
                let mut f = file;
                seen.immutable = read_immutable(&mut f);
                seen.generation += 1;
            }
        }
        seen.generation
    }

    /// Whether files on device `dev` cannot change during generation `generation` (false
    /// if the table changed since).
    pub(crate) fn immutable(&self, dev: u64, generation: u64) -> bool {
        let current = self.generation();
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        current == generation && seen.immutable.contains(&dev)
    }
}

/// Reads the whole table from the start; the devices of read-only local superblocks. An
/// unreadable table yields none (slower, never wrong).
fn read_immutable(mut file: impl Read + Seek) -> HashSet<u64> {
    let mut text = String::new();
    if file.seek(SeekFrom::Start(0)).is_err()
        || file
            .take(MAX_MOUNTINFO_BYTES)
            .read_to_string(&mut text)
            .is_err()
    {
        return HashSet::new();
    }
    text.lines().filter_map(immutable_device).collect()
}

/// For one mountinfo line (`ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS…] - FSTYPE SOURCE SUPEROPTS`),
/// the device if its superblock is read-only and local.
fn immutable_device(line: &str) -> Option<u64> {
    let fields: Vec<&str> = line.split(' ').collect();
    let (major, minor) = fields.get(2)?.split_once(':')?;
    let sep = fields.iter().position(|f| *f == "-")?;
    let fstype = fields.get(sep + 1)?;
    let super_opts = fields.get(sep + 3)?;
    let read_only = super_opts.split(',').any(|o| o == "ro");
    if !read_only || !LOCAL_FILE_SYSTEMS.contains(fstype) {
        return None;
    }
    Some(makedev(major.parse().ok()?, minor.parse().ok()?))
}

/// `st_dev` from a major and minor number (glibc's and the kernel's `new_encode_dev`).
fn makedev(major: u64, minor: u64) -> u64 {
    ((major & 0xffff_f000) << 32)
        | ((major & 0x0000_0fff) << 8)
        | ((minor & 0xffff_ff00) << 12)
        | (minor & 0x0000_00ff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn only_read_only_local_superblocks_count() {
        let ro = "36 35 8:1 / /media/usb ro,relatime shared:1 - vfat /dev/sda1 ro,fmask=0022";
        let rw_super = "37 35 8:2 / /mnt ro,relatime - ext4 /dev/sda2 rw,errors=remount-ro";
        let nfs = "38 35 0:50 / /net ro - nfs srv:/x ro,vers=4";
        let overlay = "39 35 0:51 / /o ro - overlay overlay ro,lowerdir=/a";
        assert_eq!(immutable_device(ro), Some(makedev(8, 1)));
        assert_eq!(
            immutable_device(rw_super),
            None,
            "a read-only bind of a writable fs"
        );
        assert_eq!(immutable_device(nfs), None);
        assert_eq!(immutable_device(overlay), None);
        assert_eq!(immutable_device("garbage"), None);
    }

    #[test]
    fn device_numbers_match_stat() {
        // The root file system's line in our own table has the st_dev of "/".
        let text = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        let dev = std::fs::metadata("/").unwrap().dev();
        let found = text.lines().any(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let (ma, mi) = f[2].split_once(':').unwrap();
            f[4] == "/" && makedev(ma.parse().unwrap(), mi.parse().unwrap()) == dev
        });
        assert!(found, "no mountinfo line for / with st_dev {dev:#x}");
    }
}
