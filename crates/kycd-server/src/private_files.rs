//! kycd's files are private to the user it runs as, whatever the umask: the database holds
//! auth tokens and digit strings, the files folder sealed images, the key file the master key.
//! At start the process umask becomes 077 (so SQLite's database, WAL and SHM files, image files
//! and their folders are created 0600 / 0700), and what an older kycd left readable under a
//! laxer umask is tightened: the data folder 0700, the SQLite files 0600.

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

/// Files created from now on by this process: 0600; folders: 0700.
pub fn restrict_new_files() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates the data folder if needed and makes it 0700 (other users cannot even list it).
pub fn data_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Makes an SQLite database file and its WAL and SHM files 0600, where they exist.
pub fn sqlite_files(database_url: &str) -> std::io::Result<()> {
    let Some(path) = sqlite_path(database_url) else { return Ok(()) };
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.is_file() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

/// The file of a `sqlite://PATH[?options]` URL (none for `:memory:` or another backend).
fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest =
        database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/kycd/kycd.db?mode=rwc"),
            Some("/var/lib/kycd/kycd.db".into())
        );
        assert_eq!(sqlite_path("sqlite://data/kycd.db"), Some("data/kycd.db".into()));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://db/kycd"), None);
    }

    #[test]
    fn an_old_lax_data_folder_and_database_are_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        let db = data.join("kycd.db");
        for file in [db.clone(), data.join("kycd.db-wal")] {
            std::fs::write(&file, b"x").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        data_dir(&data).unwrap();
        sqlite_files(&format!("sqlite://{}", db.display())).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&data.join("kycd.db-wal")), 0o600);
    }
}
