//! Files only the account running the server may read: the data folder and the mail
//! folder are 0700, the SQLite database and the `.eml` files (live invitation links) 0600.
//! SQLite gives its `-wal` and `-shm` files the database file's mode, so creating that
//! file 0600 first covers them. Folders and files of earlier versions are tightened when
//! the server starts. Elsewhere than on Unix these are plain creates and writes (the
//! per-user data folders there are private already).

use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

/// Owner read, write, search.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
/// Owner read and write.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and its parents) if needed, and makes it the owner's only.
pub fn dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))?;
    Ok(())
}

/// Makes an existing file the owner's only; a missing one is no error.
pub fn tighten(file: &Path) -> io::Result<()> {
    #[cfg(unix)]
    match std::fs::set_permissions(file, std::fs::Permissions::from_mode(FILE_MODE)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Creates `file` empty and the owner's only when it does not exist, or tightens it.
pub fn create(file: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    options.open(file)?;
    tighten(file)
}

/// Writes `bytes` to a new or truncated `file` that only the owner may read.
pub async fn write(file: &Path, bytes: &[u8]) -> io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    let mut out = options.open(file).await?;
    out.write_all(bytes).await?;
    out.flush().await?;
    // An existing file keeps its mode through `open`: tighten it too.
    tighten(file)
}

/// Puts a new owner-only `file` holding `bytes` in place at once, unless `file` exists
/// already (then it is left as it is): written beside it under another name first and
/// linked to its name, so no reader ever sees it half-written.
pub fn write_new(file: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".{}.new", std::process::id()));
    let draft = std::path::PathBuf::from(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    let written = options.open(&draft).and_then(|mut out| {
        out.write_all(bytes)?;
        out.sync_all()
    });
    let linked = written.and_then(|()| match std::fs::hard_link(&draft, file) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    });
    let _ = std::fs::remove_file(&draft);
    linked
}

/// Tightens every file directly in `dir` (what earlier versions left readable).
pub fn tighten_files_in(dir: &Path) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            tighten(&entry.path())?;
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

    #[tokio::test]
    async fn made_and_tightened_for_the_owner_only() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("data");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        let old = folder.join("old.eml");
        std::fs::write(&old, b"x").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();

        dir(&folder).unwrap();
        tighten_files_in(&folder).unwrap();
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&old), 0o600);

        let db = folder.join("db");
        create(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let eml = folder.join("new.eml");
        write(&eml, b"hello").await.unwrap();
        assert_eq!(mode(&eml), 0o600);
        assert_eq!(std::fs::read(&eml).unwrap(), b"hello");
        tighten(&folder.join("missing")).unwrap();
    }
}
