//! Reading charters, their imports and snapshots from disk, safely for
//! charters written by anyone.
//!
//! *Architecture Invariant:* a file import resolves only inside the charter's
//! root directory (the charter file's directory unless the embedder or `--root`
//! says otherwise): an absolute path, a `..` that climbs out, or a symbolic
//! link to a file outside is refused (E0129) before anything is opened. Only
//! regular `.polity` files are imported, and every read is bounded
//! ([`Read::take`]): no file — `/dev/zero`, a FIFO, a 10 GB log — is read past
//! its size cap, and no diagnostic quotes a file that is not Polity source.

use polity_compiler::{LoadError, Loader};
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The default cap on one charter file or import: 4 MiB (the largest standard
/// module is under 40 KB).
pub const MAX_SOURCE_BYTES: u64 = 4 << 20;

/// The default cap on a snapshot read by the CLI: 1 GiB (the 100,000-member
/// benchmark snapshot is 16 MB). `--max-snapshot-bytes` changes it.
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;

/// Loads `import "path"` relative to the importing file's directory, inside a
/// root directory, from regular `.polity` files of at most `max_bytes`.
#[derive(Clone, Debug)]
pub struct FsLoader {
    root: PathBuf,
    max_bytes: u64,
}

impl FsLoader {
    /// Imports resolve inside `root` (a directory).
    pub fn new(root: impl Into<PathBuf>) -> FsLoader {
        FsLoader {
            root: root.into(),
            max_bytes: MAX_SOURCE_BYTES,
        }
    }

    /// Imports resolve inside the directory of the charter file `charter`.
    pub fn for_charter(charter: &Path) -> FsLoader {
        FsLoader::new(directory_of(charter))
    }

    /// Each imported file may have at most `max_bytes` bytes.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> FsLoader {
        self.max_bytes = max_bytes;
        self
    }

    /// The root directory, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file `path` names from `importer`, checked against the rules:
    /// its name for diagnostics and its real location.
    fn locate(&self, path: &str, importer: &str) -> Result<(String, PathBuf), LoadError> {
        let base = directory_of(Path::new(importer));
        let name = normalize(&base.join(path)).display().to_string();
        let unreadable = |what: &str, e: &std::io::Error| {
            LoadError::Unreadable(format!("cannot read {what}: {}", lowercase(e)))
        };
        let root = std::fs::canonicalize(&self.root)
            .map_err(|e| unreadable(&format!("the root `{}`", self.root.display()), &e))?;
        let from = std::fs::canonicalize(base)
            .map_err(|e| unreadable(&format!("`{}`", base.display()), &e))?;
        // Lexically first: `..` must not climb out of the root.
        if !normalize(&from.join(path)).starts_with(&root) {
            return Err(LoadError::OutsideRoot(format!(
                "the path leads out of `{}`",
                root.display()
            )));
        }
        if Path::new(path).extension().is_none_or(|e| e != "polity") {
            return Err(LoadError::Unreadable(
                "only `.polity` files can be imported".into(),
            ));
        }
        // Then physically: no symbolic link may lead out either.
        let real = std::fs::canonicalize(from.join(path))
            .map_err(|e| unreadable(&format!("`{name}`"), &e))?;
        if !real.starts_with(&root) {
            return Err(LoadError::OutsideRoot(format!(
                "a symbolic link to a file outside `{}`",
                root.display()
            )));
        }
        Ok((name, real))
    }
}

impl Loader for FsLoader {
    fn load(&self, path: &str, importer: &str) -> Result<(String, String), LoadError> {
        let (name, real) = self.locate(path, importer)?;
        let bytes = read_regular(&real, self.max_bytes)
            .map_err(|e| LoadError::Unreadable(format!("cannot read `{name}`: {e}")))?;
        String::from_utf8(bytes)
            .map(|text| (name, text))
            .map_err(|_| LoadError::Unreadable("the file is not valid UTF-8".into()))
    }
}

/// Why a file was not read: it is not a regular file, is larger than the cap,
/// or the system refused.
#[derive(Debug)]
pub enum ReadError {
    /// A directory, device, FIFO or socket.
    NotAFile,
    /// More than the cap.
    TooLarge {
        /// The cap, in bytes.
        max_bytes: u64,
    },
    /// The system's error.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotAFile => f.write_str("not a regular file"),
            ReadError::TooLarge { max_bytes } => {
                write!(f, "larger than the limit of {}", bytes(*max_bytes))
            }
            ReadError::Io(e) => f.write_str(&lowercase(e)),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> std::io::Error {
        match e {
            ReadError::Io(e) => e,
            other => std::io::Error::other(other),
        }
    }
}

/// Reads a regular file of at most `max_bytes` bytes (an import).
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    // Checked before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    // And again on what was opened, in case the file was swapped meanwhile.
    if !file.metadata().map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    read_capped(file, max_bytes, meta.len())
}

/// Reads at most `max_bytes` bytes of a file the user named (a charter or
/// snapshot on the command line): a regular file or a pipe (`<(gen)`), not a
/// directory or a device such as `/dev/zero`.
pub fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() || is_device(&meta) {
        return Err(ReadError::NotAFile);
    }
    if meta.is_file() && meta.len() > max_bytes {
        return Err(ReadError::TooLarge { max_bytes });
    }
    // Sized from the file's length (a pipe has none), so a large snapshot
    // is read into one allocation rather than doubled into a dozen, each
    // copying the last.
    let expected = if meta.is_file() { meta.len() } else { 0 };
    read_capped(file, max_bytes, expected)
}

/// Whether `meta` is a character or block device (`/dev/zero`, a disk).
#[cfg(unix)]
fn is_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device() || meta.file_type().is_block_device()
}

#[cfg(not(unix))]
fn is_device(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Reads up to `max_bytes`, and fails if there is more; `expected` is how
/// many bytes there probably are (room for them and one more is made first,
/// so reading a file that did not change reallocates nothing). A large file
/// is read in two halves at once ([`read_halves`]) when it can be.
fn read_capped(file: File, max_bytes: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    if (HALVES_FROM..=max_bytes).contains(&expected) && crate::cores::threads() > 1 {
        if let Some(bytes) = read_halves(&file, expected) {
            return Ok(bytes);
        }
    }
    let room = expected.min(max_bytes).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(room).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_bytes {
        return Err(ReadError::TooLarge { max_bytes });
    }
    Ok(bytes)
}

/// Files of at least this many bytes are read in two halves at once.
const HALVES_FROM: u64 = 8 << 20;

/// The `len` bytes of `file`, its first and second halves read at once on
/// two threads (issue 14: at 10^6 members, 165 MB read on one thread took
/// 0.16-0.24 s, mostly the kernel's copying and the buffer's first-touch
/// page faults, which two threads share); `None` if the file did not hold
/// exactly `len` bytes (it changed since its size was asked) or a thread
/// could not start or read, and the caller reads it whole from the start
/// (these reads do not move the file's position).
#[cfg(unix)]
fn read_halves(file: &File, len: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0; usize::try_from(len).ok()?];
    let half = bytes.len() / 2;
    let (first, second) = bytes.split_at_mut(half);
    let read = std::thread::scope(|s| {
        let other = std::thread::Builder::new()
            .spawn_scoped(s, || file.read_exact_at(second, half as u64))
            .ok()?;
        let first = file.read_exact_at(first, 0);
        other.join().ok()?.ok()?;
        first.ok()
    });
    read?;
    // Nothing past the end: the file did not grow.
    let mut more = [0];
    (file.read_at(&mut more, len).ok()? == 0).then_some(bytes)
}

#[cfg(not(unix))]
fn read_halves(_file: &File, _len: u64) -> Option<Vec<u8>> {
    None
}

/// `4 MiB`, `1 GiB`, or a number of bytes.
fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

fn lowercase(e: &std::io::Error) -> String {
    e.to_string().to_lowercase()
}

/// The directory a file is in (`.` for a bare file name).
fn directory_of(file: &Path) -> &Path {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// `a/./b/../c` to `a/c`, lexically (so one file imported two ways loads once).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_keeps_to_its_root() {
        let top = std::env::temp_dir().join(format!("polity-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let root = top.join("root");
        std::fs::create_dir_all(root.join("laws")).unwrap();
        std::fs::write(top.join("out.polity"), "const secret: Int = 1\n").unwrap();
        std::fs::write(root.join("laws/a.polity"), "const a: Int = 1\n").unwrap();
        std::os::unix::fs::symlink(top.join("out.polity"), root.join("laws/l.polity")).unwrap();
        let loader = FsLoader::new(&root).with_max_bytes(100);
        let main = root.join("main.polity").display().to_string();
        let outside =
            |r: Result<(String, String), LoadError>| matches!(r, Err(LoadError::OutsideRoot(_)));
        assert!(outside(loader.load("../out.polity", &main)));
        assert!(outside(loader.load("laws/../../out.polity", &main)));
        assert!(outside(loader.load("laws/l.polity", &main)));
        let (name, text) = loader.load("laws/./a.polity", &main).unwrap();
        assert_eq!(
            (name.ends_with("root/laws/a.polity"), text.as_str()),
            (true, "const a: Int = 1\n")
        );
        // From inside `laws/`, `..` stays in the root.
        let from_laws = root.join("laws/a.polity").display().to_string();
        assert!(loader.load("../laws/a.polity", &from_laws).is_ok());
        // Seventeen bytes are more than sixteen.
        let small = FsLoader::new(&root).with_max_bytes(16);
        let Err(LoadError::Unreadable(why)) = small.load("laws/a.polity", &main) else {
            panic!("read past the cap");
        };
        assert!(why.ends_with("larger than the limit of 16 bytes"), "{why}");
        let _ = std::fs::remove_dir_all(&top);
    }

    /// A large file read in two halves is its bytes, in order, whether its
    /// length is odd or even; a file longer or shorter than the length the
    /// halves were sized for (one that changed meanwhile) is not read so,
    /// and the whole read still gives its bytes and keeps to its cap.
    #[test]
    fn a_large_file_reads_the_same_in_halves() {
        let path = std::env::temp_dir().join(format!("polity-halves-{}", std::process::id()));
        for len in [HALVES_FROM, HALVES_FROM + 1] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            let file = File::open(&path).unwrap();
            assert!(read_halves(&file, len).unwrap() == bytes, "{len} bytes");
            assert!(read_halves(&file, len - 1).is_none(), "grew");
            assert!(read_halves(&file, len + 1).is_none(), "shrank");
            assert!(read_bounded(&path, len).unwrap() == bytes);
            assert!(matches!(
                read_bounded(&path, len - 1),
                Err(ReadError::TooLarge { .. })
            ));
        }
        let _ = std::fs::remove_file(&path);
    }
}
