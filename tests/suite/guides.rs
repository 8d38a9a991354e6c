//! The role guides' screenshots (`docs/guides/screenshots/`) are the browser tests' own:
//! every image a guide shows is there, is one a test takes with `Browser::screenshot`,
//! and has alt text; every PNG there is shown by a guide. `scripts/update-screenshots`
//! refreshes them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The `(alt text, NAME)` of every `![alt](screenshots/NAME.png)` in a Markdown text.
fn references(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find("](screenshots/") {
        let alt = rest[..at].rfind("![").map(|open| rest[open + 2..at].to_string());
        let after = &rest[at + "](screenshots/".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if after[name.len()..].starts_with(".png)") {
            found.push((alt.unwrap_or_default(), name));
        }
        rest = after;
    }
    found
}

/// Whether the test sources take a screenshot named `name`: a `screenshot("name")`
/// call, or `"name"` in a file whose `screenshot(` calls take their name from a
/// variable (a loop over pages or roles).
fn taken(name: &str, sources: &[String]) -> bool {
    sources.iter().any(|source| {
        source.contains(&format!("screenshot(\"{name}\")"))
            || (source.contains(&format!("\"{name}\""))
                && source
                    .match_indices(".screenshot(")
                    .any(|(i, call)| !source[i + call.len()..].starts_with('"')))
    })
}

/// What is wrong with the guides' screenshots: `guides` are `(file, text)`, `on_disk`
/// the PNG names in the screenshots folder, `sources` the test sources.
fn problems(guides: &[(String, String)], on_disk: &BTreeSet<String>, sources: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut shown = BTreeSet::new();
    for (file, text) in guides {
        for (alt, name) in references(text) {
            if alt.trim().is_empty() {
                problems.push(format!("{file}: screenshots/{name}.png has no alt text"));
            }
            if !on_disk.contains(&name) {
                problems.push(format!(
                    "{file}: screenshots/{name}.png is not in docs/guides/screenshots/"
                ));
            }
            if !taken(&name, sources) {
                problems.push(format!("{file}: no test takes the screenshot \"{name}\""));
            }
            shown.insert(name);
        }
    }
    for name in on_disk.difference(&shown) {
        problems.push(format!("docs/guides/screenshots/{name}.png is shown by no guide"));
    }
    problems
}

fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn every_screenshot_in_the_guides_is_committed_and_taken_by_a_test_and_every_committed_one_is_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guides: Vec<(String, String)> = files(&root.join("docs/guides"), "md")
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    let on_disk: BTreeSet<String> = files(&root.join("docs/guides/screenshots"), "png")
        .into_iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    // This file's own examples are not screenshots.
    let sources: Vec<String> = files(&root.join("tests"), "rs")
        .into_iter()
        .filter(|p| !p.ends_with("suite/guides.rs"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let shown: usize = guides.iter().map(|(_, text)| references(text).len()).sum();
    assert!(shown >= 6, "every role guide shows screenshots: {shown} found");
    let problems = problems(&guides, &on_disk, &sources);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_finds_a_missing_an_untaken_an_unshown_and_an_unlabelled_screenshot() {
    let guides = vec![(
        "guide.md".to_string(),
        "![The login page](screenshots/login.png)\n![](screenshots/home.png)\n\
         ![Made up](screenshots/made-up.png) and [a link](screenshots/)"
            .to_string(),
    )];
    let on_disk: BTreeSet<String> = ["login", "home", "stale"].map(String::from).into();
    let sources = vec![
        "browser.screenshot(\"login\").await;".to_string(),
        "for (page, shot) in [(\"/c/demo\", \"home\")] { browser.screenshot(shot).await; }".to_string(),
    ];
    assert_eq!(
        references(&guides[0].1),
        [
            ("The login page".to_string(), "login".to_string()),
            (String::new(), "home".to_string()),
            ("Made up".to_string(), "made-up".to_string()),
        ]
    );
    assert_eq!(
        problems(&guides, &on_disk, &sources),
        [
            "guide.md: screenshots/home.png has no alt text",
            "guide.md: screenshots/made-up.png is not in docs/guides/screenshots/",
            "guide.md: no test takes the screenshot \"made-up\"",
            "docs/guides/screenshots/stale.png is shown by no guide",
        ]
    );
    assert!(!taken(
        "login",
        &["let name = \"login\"; browser.screenshot(\"other\").await;".to_string()]
    ));
}
