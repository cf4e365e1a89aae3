//! The Linux half of the self-sandbox: rustix for the id switch, the `landlock` crate for
//! file access, `seccompiler` for the system-call filter. No `unsafe` here: each crate
//! wraps its system calls.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset, RulesetAttr,
    RulesetCreatedAttr, RulesetStatus,
};
use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};

use super::{Layer, SandboxConfig, SandboxError, SandboxReport};

/// The newest ABI this crate knows; older kernels get what they support (best effort).
const ABI_WANTED: ABI = ABI::V6;

/// System calls that fail with `EPERM` once sandboxed.
fn forbidden() -> [(&'static str, i64); 5] {
    [
        ("execve", libc::SYS_execve),
        ("execveat", libc::SYS_execveat),
        ("ptrace", libc::SYS_ptrace),
        ("process_vm_readv", libc::SYS_process_vm_readv),
        ("process_vm_writev", libc::SYS_process_vm_writev),
    ]
}

pub(super) fn apply(cfg: &SandboxConfig) -> Result<SandboxReport, SandboxError> {
    let user = drop_root(cfg)?;
    let landlock = landlock(cfg);
    let seccomp = seccomp();
    Ok(SandboxReport {
        user,
        landlock,
        seccomp,
    })
}

fn drop_root(cfg: &SandboxConfig) -> Result<Layer, SandboxError> {
    let Some(uid) = cfg.uid else {
        return Ok(Layer::Off);
    };
    if !rustix::process::geteuid().is_root() {
        return Ok(Layer::Off);
    }
    let gid = cfg.gid.unwrap_or(uid);
    let err = |source| SandboxError::DropRoot { uid, source };
    for dir in &cfg.writable {
        chown_tree(dir, uid, gid).map_err(err)?;
    }
    let (u, g) = (
        rustix::process::Uid::from_raw(uid),
        rustix::process::Gid::from_raw(gid),
    );
    rustix::thread::set_thread_groups(&[g]).map_err(|e| err(e.into()))?;
    rustix::thread::set_thread_res_gid(g, g, g).map_err(|e| err(e.into()))?;
    rustix::thread::set_thread_res_uid(u, u, u).map_err(|e| err(e.into()))?;
    Ok(Layer::Enforced(format!("uid {uid}, gid {gid}")))
}

/// Gives `dir` and everything beneath it to `uid:gid` (symlinks are not followed).
fn chown_tree(dir: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    let (u, g) = (
        Some(rustix::fs::Uid::from_raw(uid)),
        Some(rustix::fs::Gid::from_raw(gid)),
    );
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        if meta.file_type().is_symlink() {
            continue;
        }
        rustix::fs::chownat(
            rustix::fs::CWD,
            &p,
            u,
            g,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )?;
        if meta.is_dir() {
            for e in std::fs::read_dir(&p)? {
                stack.push(e?.path());
            }
        }
    }
    Ok(())
}

fn existing(paths: &[PathBuf]) -> Vec<&PathBuf> {
    paths.iter().filter(|p| p.exists()).collect()
}

fn landlock(cfg: &SandboxConfig) -> Layer {
    let all = AccessFs::from_all(ABI_WANTED);
    let read = AccessFs::from_read(ABI_WANTED);
    let build = || -> Result<RulesetStatus, landlock::RulesetError> {
        let mut rs = Ruleset::default().handle_access(all)?.create()?;
        for p in existing(&cfg.writable) {
            // A path that vanished since the check is skipped (nothing is granted for it).
            let Ok(fd) = PathFd::new(p) else { continue };
            rs = rs.add_rule(PathBeneath::new(fd, all))?;
        }
        for p in existing(&cfg.readable) {
            // A file gets only the rights that apply to files.
            let access = if p.is_dir() {
                read
            } else {
                read & AccessFs::from_file(ABI_WANTED)
            };
            let Ok(fd) = PathFd::new(p) else { continue };
            rs = rs.add_rule(PathBeneath::new(fd, access))?;
        }
        Ok(rs.restrict_self()?.ruleset)
    };
    match build() {
        Ok(RulesetStatus::FullyEnforced) => Layer::Enforced(format!(
            "read-write beneath {}",
            join(&existing(&cfg.writable))
        )),
        Ok(RulesetStatus::PartiallyEnforced) => Layer::Partial(format!(
            "older Landlock ABI; read-write beneath {}",
            join(&existing(&cfg.writable))
        )),
        Ok(RulesetStatus::NotEnforced) => {
            Layer::Unavailable("the kernel has no Landlock (not built in or not enabled)".into())
        }
        Err(e) => Layer::Unavailable(format!("Landlock failed: {e}")),
    }
}

fn join(paths: &[&PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn filter() -> Result<BpfProgram, seccompiler::BackendError> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)?;
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> = forbidden()
        .iter()
        .map(|&(_, nr)| (nr, Vec::new()))
        .collect();
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(u32::try_from(libc::EPERM).unwrap_or(1)),
        arch,
    )?;
    filter.try_into()
}

fn seccomp() -> Layer {
    let prog = match filter() {
        Ok(p) => p,
        Err(e) => return Layer::Unavailable(format!("cannot build the filter: {e}")),
    };
    match seccompiler::apply_filter_all_threads(&prog) {
        Ok(()) => Layer::Enforced(format!(
            "{} fail with EPERM",
            forbidden().map(|(n, _)| n).join(", ")
        )),
        Err(e) => Layer::Unavailable(format!("cannot install the filter: {e}")),
    }
}

pub(super) fn probe() -> (Layer, Layer) {
    let mut landlock = Layer::Unavailable("the kernel has no Landlock".into());
    for (abi, name) in [
        (ABI::V6, "6"),
        (ABI::V5, "5"),
        (ABI::V4, "4"),
        (ABI::V3, "3"),
        (ABI::V2, "2"),
        (ABI::V1, "1"),
    ] {
        let created = Ruleset::default()
            .set_compatibility(CompatLevel::HardRequirement)
            .handle_access(AccessFs::from_all(abi))
            .and_then(|r| r.create());
        if created.is_ok() {
            landlock = if abi == ABI_WANTED {
                Layer::Enforced(format!("Landlock ABI {name} or newer"))
            } else {
                Layer::Partial(format!("Landlock ABI {name}"))
            };
            break;
        }
    }
    let seccomp = match filter() {
        Ok(_) => Layer::Enforced("seccomp filter builds for this architecture".into()),
        Err(e) => Layer::Unavailable(e.to_string()),
    };
    (landlock, seccomp)
}
