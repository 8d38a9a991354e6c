//! The operator's guide is true line by line: every command it shows (its `sh`
//! blocks and the `concord …` commands in its text) runs here, as written, against a
//! data directory a `concord serve` is serving, which stays ready throughout.
//! Placeholders are filled as an operator would: `/var/backups` is a scratch folder,
//! `smtp://…` the default file outbox; a command marked "Concord stopped" runs once
//! the server has stopped; a cron line runs its command.

use std::path::{Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::common::process;

/// Every command of the guide, in order, with continuation lines joined.
fn commands(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => in_sh = &*lang == "sh",
            Event::End(TagEnd::CodeBlock) => in_sh = false,
            Event::Text(text) if in_sh => {
                let joined = text.replace("\\\n", " ");
                out.extend(
                    joined
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                );
            }
            // A command in the text: complete ones only (no FILE, COMMAND, choice or …
            // left to fill).
            Event::Code(code)
                if code.starts_with("concord ")
                    && !code.contains(['…', '|', '['])
                    && !code
                        .split_whitespace()
                        .any(|w| w.chars().take_while(char::is_ascii_uppercase).count() > 1) =>
            {
                out.push(code.to_string())
            }
            _ => {}
        }
    }
    out
}

/// The command as the test runs it, and whether it needs Concord stopped.
fn as_run(command: &str, backups: &Path) -> (String, bool) {
    let stopped = command.contains("# Concord stopped");
    let command = command.split(" # ").next().unwrap().trim();
    // A cron line: five time fields, then the command.
    let fields: Vec<&str> = command.splitn(6, ' ').collect();
    let command = if fields.len() == 6
        && fields[..5]
            .iter()
            .all(|f| f.chars().all(|c| c.is_ascii_digit() || c == '*'))
    {
        fields[5]
    } else {
        command
    };
    let command = command
        .replace("CONCORD_SMTP_URL=smtp://… ", "")
        .replace("/var/backups", &backups.display().to_string());
    (command, stopped)
}

fn run(command: &str, data: &Path) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_concord"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", command])
        .env("PATH", path)
        .env("CONCORD_DATA_DIR", data)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`{command}` failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn ready(url: &str) -> u16 {
    reqwest::get(format!("{url}/readyz")).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_command_of_the_operators_guide_runs_on_a_serving_instance() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/guides/operator.md")).unwrap();
    let all = commands(&guide);
    for expected in [
        "concord audit verify",
        "concord coop list",
        "concord backup --dir /var/backups/concord --keep 14",
    ] {
        assert!(
            all.iter().any(|c| c.contains(expected)),
            "the guide shows `{expected}`: {all:?}"
        );
    }
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("guide-{}", uuid::Uuid::new_v4().simple()));
    let (data, backups) = (root.join("data"), root.join("backups"));
    std::fs::create_dir_all(backups.join("concord")).unwrap();
    let served = process::serve(&["--demo"], &[("CONCORD_DATA_DIR", data.as_os_str())]);
    let mut after_stop = Vec::new();
    for command in &all {
        let (command, stopped) = as_run(command, &backups);
        if command.starts_with("concord serve") {
            continue; // it is what serves here
        }
        if stopped {
            after_stop.push(command);
            continue;
        }
        run(&command, &data);
        assert_eq!(ready(&served.url).await, 200, "after `{command}`");
    }
    served.stop();
    assert!(
        after_stop.iter().any(|c| c.contains("concord restore")),
        "{after_stop:?}"
    );
    // The restore names an archive of an earlier day: the one taken above stands in.
    let today = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "backup"))
        .expect("the dated backup was written");
    for command in after_stop {
        if let Some(named) = command.split_whitespace().find(|w| w.ends_with(".backup")) {
            std::fs::copy(&today, named).unwrap();
        }
        run(&command, &data);
    }
    run("concord audit verify", &data);
    let _ = std::fs::remove_dir_all(&root);
}
