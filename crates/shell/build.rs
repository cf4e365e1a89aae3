//! Embeds the default persona (`personas/debian12/`) into the binary: the filesystem manifest,
//! the shipped file contents and the package list, so the honeypot needs no files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&p, root, out);
        } else if ft.is_file()
            && let Ok(rel) = p.strip_prefix(root)
        {
            out.push((format!("/{}", rel.to_string_lossy()), p.clone()));
        }
    }
}

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let persona = manifest_dir.join("../../personas/debian12");
    let persona = persona.canonicalize().unwrap_or(persona);
    println!("cargo:rerun-if-changed={}", persona.display());
    let files_root = persona.join("files");
    let mut files = Vec::new();
    walk(&files_root, &files_root, &mut files);
    let mut src = String::new();
    src.push_str("/// Shipped file contents of the debian12 persona, by absolute path.\n");
    src.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (path, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            src,
            "    ({path:?}, include_bytes!({:?})),",
            abs.display().to_string()
        );
    }
    src.push_str("];\n");
    for (name, file) in [("MANIFEST", "fs.manifest"), ("PACKAGES", "packages.tsv")] {
        let p = persona.join(file);
        println!("cargo:rerun-if-changed={}", p.display());
        if p.exists() {
            let _ = writeln!(
                src,
                "/// `{file}`.\npub static {name}: &str = include_str!({:?});",
                p.display().to_string()
            );
        } else {
            let _ = writeln!(
                src,
                "/// `{file}` (missing at build time).\npub static {name}: &str = \"\";"
            );
        }
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("persona_debian12.rs");
    if let Err(e) = std::fs::write(&out, src) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
