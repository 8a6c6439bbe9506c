//! Where the files of a compilation are, as URIs: `file:` URIs for charters
//! and their imports, and for the standard library's modules a copy written
//! once to a cache directory.
//!
//! The standard modules are embedded in the compiler; to open one (go to
//! definition on `majority`), the editor needs a document it can show.
//! Writing each module to `<cache>/polity/std-<hash>/<module>.polity` gives
//! a plain `file:` URI that every editor opens with no extension of its own
//! (a custom scheme would need client code in each editor). The directory is
//! named after a hash of the sources, so a server of another version never
//! shows a stale copy, and the files are made read-only, since editing them
//! changes nothing.

use std::path::{Path, PathBuf};

/// The path of a `file:` URI (percent-decoded), if it is one.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    let text = path.to_string_lossy();
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where the standard modules are written: a cache directory of the user's.
fn cache_root() -> PathBuf {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    from_env("XDG_CACHE_HOME")
        .or_else(|| from_env("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
}

/// FNV-1a over every standard module's name and text: stable across
/// builds and platforms (std's hasher is not).
fn stdlib_hash() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for name in polity_compiler::stdlib::names() {
        let text = polity_compiler::stdlib::source(name).unwrap_or("");
        for b in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The copy on disk of the standard module `name` (`std.voting`), written
/// if it is not there yet; `None` if it cannot be written.
pub fn stdlib_path(name: &str) -> Option<PathBuf> {
    let text = polity_compiler::stdlib::source(name)?;
    let short = name.strip_prefix("std.")?;
    let dir = cache_root()
        .join("polity")
        .join(format!("std-{:016x}", stdlib_hash()));
    let path = dir.join(format!("{short}.polity"));
    if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
        return Some(path);
    }
    std::fs::create_dir_all(&dir).ok()?;
    // Written under a unique name, then renamed: two servers starting at
    // once never see a half-written module.
    let tmp = dir.join(format!(".{short}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).ok()?;
    if let Ok(meta) = std::fs::metadata(&tmp) {
        let mut perms = meta.permissions();
        perms.set_readonly(true);
        let _ = std::fs::set_permissions(&tmp, perms);
    }
    match std::fs::rename(&tmp, &path) {
        Ok(()) => Some(path),
        Err(_) => {
            let _ = std::fs::remove_file(&tmp);
            std::fs::read_to_string(&path)
                .is_ok_and(|t| t == text)
                .then_some(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/Bürger#1.polity");
        let uri = path_to_uri(path);
        assert_eq!(uri, "file:///tmp/a%20b/B%C3%BCrger%231.polity");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        assert_eq!(
            uri_to_path("file://localhost/x/y.polity").as_deref(),
            Some(Path::new("/x/y.polity"))
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
    }
}
