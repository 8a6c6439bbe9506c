//! Opening a page in headless Chromium, as a person would (shared by the
//! tests of `polity doc --format html` and `polity report`): its
//! screenshot and the console errors it logged. Without a browser a test
//! is skipped, loudly, unless `POLITY_REQUIRE_BROWSER=1` (as CI sets) makes
//! it fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's Chromium, if installed, or the browser `POLITY_CHROMIUM` names.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("POLITY_CHROMIUM") {
        return Some(PathBuf::from(path)).filter(|p| p.exists());
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The browser for the test `what`, or `None` (the test is skipped, said
/// on stderr); with `POLITY_REQUIRE_BROWSER=1` and no browser, a failure.
pub fn required(what: &str) -> Option<PathBuf> {
    let browser = chromium();
    if browser.is_none() {
        if std::env::var("POLITY_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "POLITY_REQUIRE_BROWSER=1 but there is no Chromium to run (apt-get install chromium)"
            );
        }
        // Straight to stderr, past the test harness's capture, so that the
        // skip shows in a passing run.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {what}: no Chromium (/usr/bin/chromium, or POLITY_CHROMIUM) to run; \
             set POLITY_REQUIRE_BROWSER=1 to fail instead"
        );
    }
    browser
}

/// What headless Chromium made of a page: its screenshot (PNG bytes) and
/// the console errors it logged.
pub struct Shot {
    pub png: Vec<u8>,
    pub console_errors: Vec<String>,
}

/// Opens `html` in headless Chromium and takes a screenshot of the window
/// `size` (`"1000,1600"`). The flags keep it off the network (this machine
/// has none) and log the page's console to stderr (`INFO:CONSOLE...` lines).
pub fn screenshot(browser: &Path, name: &str, html: &str, size: &str) -> Shot {
    let dir = std::env::temp_dir().join(format!("polity-browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("page.html");
    std::fs::write(&page, html).unwrap();
    let png = dir.join("page.png");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--window-size={size}"))
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    let log = String::from_utf8_lossy(&out.stderr);
    let console_errors = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect();
    let png = std::fs::read(&png).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Shot {
        png,
        console_errors,
    }
}

/// How many distinct colours the PNG shows (counting stops at 16).
pub fn colours(png: &[u8]) -> usize {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width > 0 && info.height > 0);
    let step = info.color_type.samples() * usize::from(info.bit_depth as u8 / 8).max(1);
    let mut seen: Vec<&[u8]> = Vec::new();
    for px in buf.get(..info.buffer_size()).unwrap().chunks(step) {
        if !seen.contains(&px) {
            seen.push(px);
            if seen.len() >= 16 {
                break;
            }
        }
    }
    seen.len()
}
