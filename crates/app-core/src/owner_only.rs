//! The app data folder is readable by its owner only: folders 0700, files 0600 (the
//! preferences, each account's encrypted store with its SQLite `-wal`/`-shm`, which take
//! the database file's mode, and the PDFs kept beside it). What an earlier version left
//! readable is tightened when the app starts or opens it. Elsewhere than on Unix these are
//! plain creates and writes: per-user data folders there are private already.

use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Creates `dir` and its parents when missing; `dir` itself is made the owner's only.
pub fn dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    set_mode(dir, 0o700)?;
    Ok(())
}

/// Makes an existing file the owner's only; a missing one is fine.
pub fn file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    set_mode(path, 0o600)?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Makes an empty file, readable by the owner only, unless it exists (then tightens it).
pub fn touch(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?;
    file(path)
}

/// Writes `bytes` to `path` (new or truncated), readable by the owner only.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut out = options.open(path)?;
    out.write_all(bytes)?;
    drop(out);
    file(path)
}

/// Tightens `dir` and, below it, every folder and file (symbolic links are left alone).
pub fn tighten_tree(dir: &Path) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    #[cfg(unix)]
    set_mode(dir, 0o700)?;
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            tighten_tree(&entry.path())?;
        } else if kind.is_file() {
            file(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_end_up_the_owners_only() {
        let root = tempfile::tempdir().unwrap();
        let top = root.path().join("app");
        let nested = top.join("accounts").join("abc");
        std::fs::create_dir_all(&nested).unwrap();
        let old = nested.join("store.db");
        std::fs::write(&old, b"x").unwrap();
        for (path, loose) in [(&top, 0o755), (&nested, 0o755), (&old, 0o644)] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(loose)).unwrap();
        }

        dir(&top).unwrap();
        tighten_tree(&top.join("accounts")).unwrap();
        assert_eq!(mode(&top), 0o700);
        assert_eq!(mode(&top.join("accounts")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        assert_eq!(mode(&old), 0o600);

        let made = top.join("new.db");
        touch(&made).unwrap();
        assert_eq!(mode(&made), 0o600);
        touch(&old).unwrap();
        assert_eq!(
            std::fs::read(&old).unwrap(),
            b"x",
            "touch keeps what is there"
        );
        let prefs = top.join("prefs.json");
        write(&prefs, b"{}").unwrap();
        assert_eq!(mode(&prefs), 0o600);
        file(&top.join("missing")).unwrap();
        tighten_tree(&top.join("missing")).unwrap();
    }
}
