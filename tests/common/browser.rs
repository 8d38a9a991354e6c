//! The browser harness: Debian's `chromedriver` driving headless `chromium`, from Rust
//! through fantoccini. Screenshots go to `target/screenshots/`.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// A headless Chromium session and the chromedriver serving it. Chromedriver leads a
/// process group of its own, which the Chromium it starts joins, so dropping a
/// `Browser` (even while a failed test unwinds) ends both.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// Starts chromedriver, waits for its "started" line, and opens a session with a
    /// window of `width` × `height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Browser {
        let port = free_port();
        let mut driver = Command::new(which("chromedriver"))
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium-driver)");
        let stdout = driver.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        loop {
            let line = lines
                .next()
                .expect("chromedriver exited before it started")
                .expect("read chromedriver's output");
            if line.contains("started successfully") {
                break;
            }
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let profile =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("chrome-{}", uuid::Uuid::new_v4().simple()));
        let mut capabilities = serde_json::Map::new();
        let mut options = json!({
                "binary": which("chromium"),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=en-GB",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ]
        });
        // Desktop windows have a minimum width; a phone is emulated instead.
        if width < 600 {
            options["mobileEmulation"] = json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}});
        }
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a Chromium session");
        Browser {
            client,
            driver,
            profile,
        }
    }

    /// The accessibility problems of the page as axe-core rates them serious or
    /// critical (WCAG 2.x A and AA rules), one line each: rule, impact, what and where.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        self.client.execute(axe_source(), vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                                    resultTypes: ['violations']})
                    .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                             v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Presses Tab until the focused element matches `selector` (at most 80 times),
    /// as a keyboard user moves through a page; the focus must be visible there.
    pub async fn tab_to(&self, selector: &str) {
        for _ in 0..80 {
            let focused = self
                .client
                .execute(
                    "return document.activeElement.matches(arguments[0])",
                    vec![json!(selector)],
                )
                .await
                .unwrap();
            if focused == json!(true) {
                let outline = self
                    .client
                    .execute(
                        "const s = getComputedStyle(document.activeElement); \
                         return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(outline, json!(true), "the focus on {selector} is visible");
                return;
            }
            self.press(fantoccini::key::Key::Tab).await;
        }
        panic!("Tab never reached {selector}");
    }

    /// Presses one key on the focused element (Tab, Space, Enter).
    pub async fn press(&self, key: fantoccini::key::Key) {
        let focused = self.client.active_element().await.unwrap();
        focused.send_keys(&char::from(key).to_string()).await.unwrap();
    }

    /// Opens a URL.
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// Fills a field found by CSS selector.
    pub async fn fill(&self, selector: &str, value: &str) {
        let field = self.client.find(Locator::Css(selector)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Clicks an element found by CSS selector.
    pub async fn click(&self, selector: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Clicks (a submit button, a link) and waits until the new page has loaded at
    /// `url`. Waiting for the URL alone is not enough: a form that answers at the
    /// address already shown (`…#attend` twice) would let the test read the old page.
    pub async fn click_and_wait(&self, selector: &str, url: &str) {
        self.click_and_wait_for_new_document(selector).await;
        let url = url::Url::parse(url).unwrap();
        self.client
            .wait()
            .at_most(std::time::Duration::from_secs(30))
            .for_url(&url)
            .await
            .unwrap_or_else(|e| panic!("never reached {url}: {e}"));
    }

    /// Clicks and waits until the new page has loaded and shows an element matching
    /// `css`: for forms that answer at the same address (one screen per question).
    pub async fn click_and_wait_for(&self, selector: &str, css: &str) {
        self.click_and_wait_for_new_document(selector).await;
        self.client
            .wait()
            .at_most(std::time::Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("never saw {css}: {e}"));
    }

    /// Marks the current document, clicks, and waits for a document without the mark:
    /// the one the click navigated to, whatever its address.
    async fn click_and_wait_for_new_document(&self, selector: &str) {
        self.client
            .execute("document.documentElement.setAttribute('data-test-left', '')", vec![])
            .await
            .unwrap();
        self.click(selector).await;
        self.client
            .wait()
            .at_most(std::time::Duration::from_secs(30))
            .for_element(Locator::Css("html:not([data-test-left])"))
            .await
            .unwrap_or_else(|e| panic!("clicking {selector} never loaded a new page: {e}"));
    }

    /// The text of the first element matching a selector.
    pub async fn text(&self, selector: &str) -> String {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The `lang` attribute of the page.
    pub async fn page_lang(&self) -> String {
        self.client
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// The path of the current page.
    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    /// Saves a PNG screenshot as `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Ends the session (chromedriver closes its Chromium), then the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// Kills the whole process group, Chromium with its driver: a test that panics
    /// never reaches `close`, and killing chromedriver alone would orphan Chromium.
    fn drop(&mut self) {
        let group = nix::unistd::Pid::from_raw(self.driver.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn which(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(program))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| panic!("{program} is not installed (apt-get install chromium chromium-driver)"))
}

/// axe-core's script, from the npm registry: `npm ci` in the repository the first
/// time (package.json pins the version), as the tests start their own PostgreSQL.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let script = root.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            let status = Command::new("npm")
                .args(["ci", "--silent", "--no-audit", "--no-fund"])
                .current_dir(&root)
                .status()
                .expect("npm is installed (it fetches axe-core for the accessibility audit)");
            assert!(status.success(), "npm ci failed");
        }
        std::fs::read_to_string(script).expect("axe-core is installed")
    })
}
