//! Persistent host keys, laid out like a Debian 12 `/etc/ssh`.
//!
//! Purpose: OpenSSH 9.2p1 on Debian 12 serves an RSA 3072, an ECDSA
//! NIST P-256 and an Ed25519 host key, and their fingerprints never change
//! across restarts.  [`load_or_create`] gives miragepot the same: the keys
//! are generated once and then loaded as-is.
//!
//! Design: files `ssh_host_rsa_key`, `ssh_host_ecdsa_key`,
//! `ssh_host_ed25519_key` in OpenSSH private-key format (mode 0600) plus
//! `.pub` files (0644) in a directory created with mode 0700.  A new key is
//! written to a `.tmp` file and hard-linked into place, so a crash never
//! leaves a half-written key and an existing file is never overwritten.  An
//! existing key that cannot be read or parsed, is passphrase-protected or
//! holds the wrong algorithm is an error naming the file: an operator's key
//! is never silently replaced.  A key file readable by group or others is
//! tightened to 0600 (OpenSSH would refuse to use it).  Keys are returned
//! in OpenSSH's host-key-algorithm order (RSA, ECDSA, Ed25519); russh picks
//! the one matching the negotiated algorithm anyway.
//!
//! Known limits: generation is synchronous (RSA 3072 takes from tens of
//! milliseconds in release builds to seconds in debug builds): call it at
//! start-up or from `spawn_blocking`.  Key comments are empty (ssh-keygen
//! would write `root@hostname`; comments never reach the wire).  Unix only.
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::private::{KeypairData, RsaKeypair};
use russh::keys::ssh_key::{Algorithm, EcdsaCurve, LineEnding, PrivateKey};

/// RSA modulus size of Debian's generated host key.
pub const RSA_BITS: usize = 3072;

/// One of the three host key types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKeyKind {
    /// RSA 3072 (`ssh_host_rsa_key`).
    Rsa,
    /// ECDSA NIST P-256 (`ssh_host_ecdsa_key`).
    EcdsaP256,
    /// Ed25519 (`ssh_host_ed25519_key`).
    Ed25519,
}

impl HostKeyKind {
    /// All kinds, in OpenSSH's host key algorithm order.
    pub const ALL: [Self; 3] = [Self::Rsa, Self::EcdsaP256, Self::Ed25519];

    /// The private key file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Rsa => "ssh_host_rsa_key",
            Self::EcdsaP256 => "ssh_host_ecdsa_key",
            Self::Ed25519 => "ssh_host_ed25519_key",
        }
    }

    /// Human-readable description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Rsa => "RSA",
            Self::EcdsaP256 => "ECDSA nistp256",
            Self::Ed25519 => "Ed25519",
        }
    }

    fn matches(self, alg: &Algorithm) -> bool {
        match self {
            Self::Rsa => matches!(alg, Algorithm::Rsa { .. }),
            Self::EcdsaP256 => {
                *alg == Algorithm::Ecdsa {
                    curve: EcdsaCurve::NistP256,
                }
            }
            Self::Ed25519 => *alg == Algorithm::Ed25519,
        }
    }

    /// Generates a fresh key of this kind.
    pub fn generate(self) -> Result<PrivateKey, HostKeyError> {
        let mut rng = russh::keys::key::safe_rng();
        let fail = |e: russh::keys::ssh_key::Error| HostKeyError::Generate {
            kind: self.describe(),
            reason: e.to_string(),
        };
        match self {
            Self::Rsa => {
                let pair = RsaKeypair::random(&mut rng, RSA_BITS).map_err(fail)?;
                PrivateKey::new(KeypairData::from(pair), "").map_err(fail)
            }
            Self::EcdsaP256 => PrivateKey::random(
                &mut rng,
                Algorithm::Ecdsa {
                    curve: EcdsaCurve::NistP256,
                },
            )
            .map_err(fail),
            Self::Ed25519 => PrivateKey::random(&mut rng, Algorithm::Ed25519).map_err(fail),
        }
    }
}

/// Failure to load or create the host keys.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    /// The key directory could not be created.
    #[error("cannot create host key directory {}: {source}", path.display())]
    Dir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// An existing key file could not be read (or its mode fixed).
    #[error("cannot read host key {}: {source}", path.display())]
    Read {
        /// The key file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// An existing key file is not a valid OpenSSH private key; it is left
    /// untouched.
    #[error("host key {} is not a valid OpenSSH private key ({reason}); fix or remove it", path.display())]
    Parse {
        /// The key file.
        path: PathBuf,
        /// Why parsing failed.
        reason: String,
    },
    /// An existing key file is protected by a passphrase.
    #[error("host key {} is passphrase-protected; host keys must be unencrypted", path.display())]
    Encrypted {
        /// The key file.
        path: PathBuf,
    },
    /// An existing key file holds a key of another type.
    #[error("host key {} holds a {found} key, expected {expected}", path.display())]
    WrongAlgorithm {
        /// The key file.
        path: PathBuf,
        /// The algorithm found.
        found: String,
        /// The algorithm this file name must hold.
        expected: &'static str,
    },
    /// A new key could not be generated or encoded.
    #[error("cannot generate {kind} host key: {reason}")]
    Generate {
        /// Which key.
        kind: &'static str,
        /// The underlying error.
        reason: String,
    },
    /// A new key file could not be written.
    #[error("cannot write host key {}: {source}", path.display())]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Loads the three host keys from `dir`, creating the directory (0700) and
/// any missing key (0600, with a 0644 `.pub`) first.  Returns RSA, ECDSA,
/// Ed25519, in that order.
pub fn load_or_create(dir: &Path) -> Result<Vec<PrivateKey>, HostKeyError> {
    load_or_create_with(dir, HostKeyKind::generate)
}

/// [`load_or_create`] with an injectable key generator (tests reuse one
/// generated set instead of paying for RSA generation every time).
fn load_or_create_with(
    dir: &Path,
    generate: impl Fn(HostKeyKind) -> Result<PrivateKey, HostKeyError>,
) -> Result<Vec<PrivateKey>, HostKeyError> {
    if !dir.is_dir() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|source| HostKeyError::Dir {
                path: dir.to_path_buf(),
                source,
            })?;
    }
    let mut keys = Vec::with_capacity(HostKeyKind::ALL.len());
    for kind in HostKeyKind::ALL {
        let path = dir.join(kind.file_name());
        let key = match fs::symlink_metadata(&path) {
            Ok(_) => load(&path, kind)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let key = generate(kind)?;
                write_private(&path, &key)?;
                tracing::info!(path = %path.display(), "Generated {} host key.", kind.describe());
                key
            }
            Err(source) => return Err(HostKeyError::Read { path, source }),
        };
        write_public_if_missing(&path, &key)?;
        keys.push(key);
    }
    Ok(keys)
}

/// Reads and checks an existing key file, tightening a lax mode.
fn load(path: &Path, kind: HostKeyKind) -> Result<PrivateKey, HostKeyError> {
    let read_err = |source| HostKeyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(read_err)?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "Host key readable by others; setting mode 0600.");
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(read_err)?;
    }
    let text = fs::read(path).map_err(read_err)?;
    let key = PrivateKey::from_openssh(&text).map_err(|e| HostKeyError::Parse {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if key.is_encrypted() {
        return Err(HostKeyError::Encrypted {
            path: path.to_path_buf(),
        });
    }
    let alg = key.algorithm();
    if !kind.matches(&alg) {
        return Err(HostKeyError::WrongAlgorithm {
            path: path.to_path_buf(),
            found: alg.to_string(),
            expected: kind.describe(),
        });
    }
    Ok(key)
}

/// Writes `contents` to `path` with `mode`, via a `.tmp` file hard-linked
/// into place (never overwrites an existing `path`).
fn write_new_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), HostKeyError> {
    let write_err = |source| HostKeyError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(write_err(e)),
    }
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        // The umask may have cleared bits of `mode`; set it exactly.
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.write_all(contents)?;
        f.sync_all()?;
        fs::hard_link(&tmp, path)
    })();
    let _ = fs::remove_file(&tmp);
    result.map_err(write_err)
}

fn write_private(path: &Path, key: &PrivateKey) -> Result<(), HostKeyError> {
    let pem = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| HostKeyError::Generate {
            kind: "OpenSSH encoding of the",
            reason: e.to_string(),
        })?;
    write_new_file(path, pem.as_bytes(), 0o600)
}

fn write_public_if_missing(private_path: &Path, key: &PrivateKey) -> Result<(), HostKeyError> {
    let mut p = private_path.as_os_str().to_owned();
    p.push(".pub");
    let path = PathBuf::from(p);
    if fs::symlink_metadata(&path).is_ok() {
        return Ok(());
    }
    let mut line = key
        .public_key()
        .to_openssh()
        .map_err(|e| HostKeyError::Generate {
            kind: "OpenSSH encoding of the public",
            reason: e.to_string(),
        })?;
    line.push('\n');
    write_new_file(&path, line.as_bytes(), 0o644)
}

#[cfg(test)]
mod tests {
    use super::*;
    use russh::keys::HashAlg;
    use std::sync::OnceLock;

    /// Keys really generated by `load_or_create` once per test binary, with
    /// the modes observed right after creation.
    struct Shared {
        keys: Vec<PrivateKey>,
        modes: Vec<(String, u32)>,
    }

    fn shared() -> &'static Shared {
        static SHARED: OnceLock<Shared> = OnceLock::new();
        SHARED.get_or_init(|| {
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path().join("etc/ssh");
            let keys = load_or_create(&dir).expect("create");
            let mut modes = vec![("dir".to_owned(), mode(&dir))];
            for kind in HostKeyKind::ALL {
                let p = dir.join(kind.file_name());
                modes.push((kind.file_name().to_owned(), mode(&p)));
                modes.push((
                    format!("{}.pub", kind.file_name()),
                    mode(&p.with_extension("pub")),
                ));
            }
            // Reload from the same directory: identical keys.
            let again = load_or_create(&dir).expect("reload");
            assert_eq!(fps(&keys), fps(&again));
            Shared { keys, modes }
        })
    }

    fn cached(kind: HostKeyKind) -> Result<PrivateKey, HostKeyError> {
        let i = HostKeyKind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("kind");
        Ok(shared().keys[i].clone())
    }

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    fn fps(keys: &[PrivateKey]) -> Vec<String> {
        keys.iter()
            .map(|k| k.fingerprint(HashAlg::Sha256).to_string())
            .collect()
    }

    #[test]
    fn creates_debian_like_set_with_right_modes() {
        let s = shared();
        let algs: Vec<String> = s.keys.iter().map(|k| k.algorithm().to_string()).collect();
        assert_eq!(algs, ["ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519"]);
        let rsa = s.keys[0].key_data().rsa().expect("rsa");
        assert_eq!(rsa.key_size(), 3072);
        for (name, m) in &s.modes {
            let want = if name == "dir" {
                0o700
            } else if name.ends_with(".pub") {
                0o644
            } else {
                0o600
            };
            assert_eq!(*m, want, "{name}: {m:o}");
        }
    }

    #[test]
    fn reload_is_stable_and_fills_gaps() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let first = load_or_create_with(dir, cached).expect("create");
        // Remove one key: only it is regenerated, others kept.
        fs::remove_file(dir.join("ssh_host_ed25519_key")).expect("rm");
        fs::remove_file(dir.join("ssh_host_ed25519_key.pub")).expect("rm");
        let second = load_or_create(dir).expect("reload");
        assert_eq!(fps(&first)[..2], fps(&second)[..2]);
        assert_ne!(fps(&first)[2], fps(&second)[2]);
        assert_eq!(fps(&second), fps(&load_or_create(dir).expect("again")));
        // .pub content matches the private key.
        let pubtext = fs::read_to_string(dir.join("ssh_host_rsa_key.pub")).expect("pub");
        let public = russh::keys::PublicKey::from_openssh(pubtext.trim()).expect("parse pub");
        assert_eq!(public.key_data(), second[0].public_key().key_data());
        // No leftover temporary files.
        let names: Vec<String> = fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert_eq!(names.len(), 6);
    }

    #[test]
    fn corrupt_key_is_an_error_naming_the_file_and_is_kept() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        load_or_create_with(dir, cached).expect("create");
        let path = dir.join("ssh_host_ecdsa_key");
        fs::write(&path, b"-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n").expect("corrupt");
        let err = load_or_create_with(dir, cached).expect_err("must fail");
        assert!(matches!(err, HostKeyError::Parse { .. }), "{err:?}");
        assert!(err.to_string().contains("ssh_host_ecdsa_key"), "{err}");
        assert_eq!(
            fs::read(&path).expect("read"),
            b"-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n"
        );
    }

    #[test]
    fn wrong_algorithm_and_lax_mode() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        load_or_create_with(dir, cached).expect("create");
        // Lax mode is tightened.
        let rsa = dir.join("ssh_host_rsa_key");
        fs::set_permissions(&rsa, fs::Permissions::from_mode(0o644)).expect("chmod");
        load_or_create_with(dir, cached).expect("load");
        assert_eq!(mode(&rsa), 0o600);
        // An Ed25519 key under the RSA name is refused.
        fs::copy(dir.join("ssh_host_ed25519_key"), &rsa).expect("copy");
        let err = load_or_create_with(dir, cached).expect_err("must fail");
        assert!(
            matches!(err, HostKeyError::WrongAlgorithm { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("ssh_host_rsa_key"), "{err}");
    }

    #[test]
    fn keys_work_with_russh_signing() {
        // Every key can produce a signature russh accepts for its algorithm.
        for key in &shared().keys {
            let sig = russh::keys::signature::Signer::<russh::keys::ssh_key::Signature>::try_sign(
                key, b"data",
            );
            assert!(sig.is_ok(), "{}", key.algorithm());
        }
    }
}
