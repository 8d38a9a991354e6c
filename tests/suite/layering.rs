//! The layering the code keeps (issue 21): nothing but the command line imports the
//! server; the domains take `AppState` from `web::state`, below them.

use std::path::{Path, PathBuf};

/// Every Rust file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn only_the_command_line_imports_the_server() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = ["server.rs", "cli.rs", "lib.rs", "main.rs"].map(|f| src.join(f));
    let mut importers: Vec<String> = rust_files(&src)
        .into_iter()
        .filter(|f| !allowed.contains(f))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("crate::server") || text.contains("super::server")
        })
        .map(|f| f.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    importers.sort();
    assert_eq!(importers, Vec::<String>::new());
}
