//! Keeps a crate's module structure as its architecture document draws it. A crate
//! declares its top-level modules in layers, lowest first; [`assert_layers`] reads the
//! sources and fails when a module reaches one in its own layer or above it (that is how
//! an import circle starts), or when a module belongs to no layer.
//!
//! It reads `crate::…` paths as text: `use crate::a::B`, `crate::{a, b::C}`, and names the
//! crate root re-exports (`crate::Config` is whatever module `lib.rs` takes it from).
//! Comments are skipped. `super::` never leaves a top-level module except to the root.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Panics, listing every import that runs up or sideways between layers, and every module
/// missing from the table. `layers[0]` is the bottom.
pub fn assert_layers(src: impl AsRef<Path>, layers: &[&[&str]]) {
    let src = src.as_ref();
    let problems = check(src, layers);
    assert!(
        problems.is_empty(),
        "the modules of {} break their layering (see docs/architecture.md):\n  {}",
        src.display(),
        problems.join("\n  ")
    );
}

/// What [`assert_layers`] would complain about, one line each.
pub fn check(src: &Path, layers: &[&[&str]]) -> Vec<String> {
    let mut level = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, layer) in layers.iter().enumerate() {
        for module in *layer {
            if level.insert(*module, n).is_some() {
                problems.push(format!("`{module}` is listed in two layers"));
            }
        }
    }
    let reexports = root_reexports(src);
    for (module, files) in top_modules(src) {
        let Some(&from) = level.get(module.as_str()) else {
            problems.push(format!("`{module}` is in no layer: add it to the table"));
            continue;
        };
        let mut seen = BTreeSet::new();
        for file in files {
            let text = strip_comments(&fs::read_to_string(&file).unwrap_or_default());
            for target in crate_paths(&text, &reexports) {
                if target == module || !seen.insert(target.clone()) {
                    continue;
                }
                match level.get(target.as_str()) {
                    Some(&to) if to < from => {}
                    Some(&to) => problems.push(format!(
                        "`{module}` (layer {from}) imports `{target}` (layer {to}), in {}",
                        file.display()
                    )),
                    None => {}
                }
            }
        }
    }
    for module in level.keys() {
        if !src.join(format!("{module}.rs")).is_file() && !src.join(module).is_dir() {
            problems.push(format!(
                "`{module}` is in the table but not in {}",
                src.display()
            ));
        }
    }
    problems
}

/// Every top-level module (a file or a folder under `src`, not `lib.rs`/`main.rs`) and its files.
fn top_modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules = BTreeMap::new();
    for entry in fs::read_dir(src).into_iter().flatten().flatten() {
        let path = entry.path();
        let Some(name) = path.file_stem().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if path.is_dir() {
            modules
                .entry(name)
                .or_insert_with(Vec::new)
                .extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            modules.entry(name).or_insert_with(Vec::new).push(path);
        }
    }
    modules
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Names `lib.rs` re-exports from a module: `pub use config::{Backend, Config};` maps
/// `Backend` and `Config` to `config`.
fn root_reexports(src: &Path) -> BTreeMap<String, String> {
    let lib = strip_comments(&fs::read_to_string(src.join("lib.rs")).unwrap_or_default());
    let mut map = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim().trim_start_matches("crate::");
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        for name in leaf_names(names) {
            map.insert(name, module.to_owned());
        }
    }
    map
}

/// The last segment of each path in `a::B`, `{B, c::D as E}`: `B`, `D`/`E`.
fn leaf_names(tree: &str) -> Vec<String> {
    tree.split(['{', '}', ','])
        .filter_map(|part| {
            let part = part.trim();
            let part = part.split(" as ").last()?.trim();
            let leaf = part.rsplit("::").next()?.trim();
            (!leaf.is_empty()).then(|| leaf.to_owned())
        })
        .collect()
}

/// The top-level modules a text reaches through `crate::`.
fn crate_paths(text: &str, reexports: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::`, `orgdesk_crate::` and the like
        }
        let heads = if let Some(group) = rest.strip_prefix('{') {
            top_level_items(group)
        } else {
            vec![ident(rest)]
        };
        for head in heads {
            let head = head.trim();
            let first = ident(head);
            if first.is_empty() {
                continue;
            }
            match reexports.get(&first) {
                Some(module) => found.push(module.clone()),
                None => found.push(first),
            }
        }
    }
    found
}

/// The comma-separated items of a `{…}` group up to its closing brace, nested groups kept.
fn top_level_items(group: &str) -> Vec<String> {
    let (mut depth, mut current, mut items) = (0_u32, String::new(), Vec::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current);
    items
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The text without `//` and `/* */` comments (string contents are kept; a `//` inside a
/// string literal ends the line's reading early, which only ever hides an import).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let line_comment = rest.find("//");
        let block_comment = rest.find("/*");
        match (line_comment, block_comment) {
            (Some(l), b) if b.is_none_or(|b| l < b) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |end| &rest[l + end..]);
            }
            (_, Some(b)) => {
                out.push_str(&rest[..b]);
                rest = rest[b..].find("*/").map_or("", |end| &rest[b + end + 2..]);
            }
            _ => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempdir::Dir {
        tempdir::Dir::with(files)
    }

    /// A throwaway source tree under the system temp folder.
    mod tempdir {
        use std::path::{Path, PathBuf};

        pub struct Dir(PathBuf);

        impl Dir {
            pub fn with(files: &[(&str, &str)]) -> Self {
                let root = std::env::temp_dir().join(format!(
                    "orgdesk-layering-{}-{}",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_nanos()
                ));
                for (name, text) in files {
                    let path = root.join(name);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(path, text).unwrap();
                }
                Self(root)
            }

            pub fn path(&self) -> &Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn downward_imports_pass_and_upward_or_sideways_ones_fail() {
        let src = tree(&[
            (
                "lib.rs",
                "pub mod db; pub mod orgs; pub mod projects;\npub use db::Db;",
            ),
            ("db.rs", "pub struct Db;"),
            (
                "orgs/mod.rs",
                "use crate::Db; // crate::projects in a comment\n",
            ),
            ("projects/repo.rs", "use crate::{db::Db, orgs};"),
        ]);
        assert!(check(src.path(), &[&["db"], &["orgs"], &["projects"]]).is_empty());

        let sideways = check(src.path(), &[&["db"], &["orgs", "projects"]]);
        assert_eq!(sideways.len(), 1, "{sideways:?}");
        assert!(sideways[0].starts_with("`projects` (layer 1) imports `orgs` (layer 1)"));

        let upward = check(src.path(), &[&["orgs"], &["db"], &["projects"]]);
        assert!(
            upward[0].starts_with("`orgs` (layer 0) imports `db` (layer 1)"),
            "{upward:?}"
        );
    }

    #[test]
    fn every_module_must_have_a_layer() {
        let src = tree(&[("lib.rs", ""), ("db.rs", ""), ("mail.rs", "")]);
        let problems = check(src.path(), &[&["db"], &["ghost"]]);
        assert!(problems.contains(&"`mail` is in no layer: add it to the table".to_owned()));
        assert!(problems
            .iter()
            .any(|p| p.starts_with("`ghost` is in the table but not")));
    }

    #[test]
    fn groups_and_reexports_resolve_to_modules() {
        let reexports = BTreeMap::from([("Config".to_owned(), "config".to_owned())]);
        let found = crate_paths(
            "use crate::{a::{B, C}, d, Config};\nlet x = crate::e::f();\n$crate::g",
            &reexports,
        );
        assert_eq!(found, ["a", "d", "config", "e"]);
    }
}
