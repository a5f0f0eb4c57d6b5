//! Browser fingerprinting: how strongly a script's use of browser APIs suggests it is building a
//! device fingerprint.
//!
//! The extension's page-world probe counts, per calling script, the APIs that fingerprinting
//! libraries read (canvas pixels, the WebGL renderer, audio processing output, installed fonts,
//! navigator and screen traits). Each on its own has ordinary uses: a drawing app reads its canvas
//! back, a 3-D viewer asks for WebGL parameters. What gives a fingerprinter away is the
//! combination, as in the measurement studies (Englehardt & Narayanan 2016, "Online tracking: A
//! 1-million-site measurement"; Iqbal et al. 2021, "FP-Inspector"): a canvas read-back together
//! with the unmasked WebGL renderer and dozens of font probes is a fingerprint, a single
//! `navigator.language` read is not. The weights below follow that reasoning and are explained in
//! every verdict's reasons.

use serde::{Deserialize, Serialize};

/// What one script was seen doing; counts are as reported by the page (treat as untrusted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct ApiUse {
    /// `toDataURL`, `toBlob` or `getImageData` calls on a canvas the script had drawn on.
    pub canvas_readback: u32,
    /// `getParameter(UNMASKED_VENDOR_WEBGL | UNMASKED_RENDERER_WEBGL)` calls.
    pub webgl_unmasked: u32,
    /// Audio fingerprinting: an `OfflineAudioContext` rendered or an oscillator's output read
    /// through an analyser (`getFloatFrequencyData`, `startRendering`).
    pub audio: u32,
    /// Distinct font families probed with `measureText` or `document.fonts.check`.
    pub fonts: u32,
    /// Distinct `navigator` properties read (userAgent, hardwareConcurrency, plugins…).
    pub navigator: Vec<String>,
    /// Distinct `screen` properties read (width, height, colorDepth…).
    pub screen: Vec<String>,
}

/// How confident the verdict is that the script fingerprints the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
}

/// The verdict on one script: a score from 0 to 100, its level, and the reasons in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FingerprintScore {
    pub score: u8,
    pub level: Level,
    /// Short names of the techniques seen: `canvas`, `webgl`, `audio`, `fonts`, `navigator`, `screen`.
    pub techniques: Vec<&'static str>,
    pub reasons: Vec<String>,
}

/// Fonts a page probes for its own text are few; fingerprinters test lists of dozens to hundreds.
pub const FONT_PROBE_THRESHOLD: u32 = 20;
/// Reading a handful of navigator traits is common (language, userAgent); fingerprinters read many.
pub const NAVIGATOR_THRESHOLD: usize = 5;
pub const SCREEN_THRESHOLD: usize = 3;

/// Scores one script's API use. Never panics, whatever the counts.
pub fn score(usage: &ApiUse) -> FingerprintScore {
    let mut score = 0u32;
    let mut techniques = Vec::new();
    let mut reasons = Vec::new();
    let mut add = |points: u32, technique: &'static str, reason: String| {
        score += points;
        techniques.push(technique);
        reasons.push(reason);
    };
    if usage.canvas_readback > 0 {
        add(
            35,
            "canvas",
            format!(
                "read back the pixels of a canvas it drew on ({} time{}): tiny rendering differences identify the device",
                usage.canvas_readback,
                plural(usage.canvas_readback)
            ),
        );
    }
    if usage.webgl_unmasked > 0 {
        add(30, "webgl", "asked WebGL for the unmasked graphics card vendor and renderer".to_owned());
    }
    if usage.audio > 0 {
        add(30, "audio", "rendered audio off-screen and read the result: the output differs per device".to_owned());
    }
    if usage.fonts >= FONT_PROBE_THRESHOLD {
        add(30, "fonts", format!("probed {} font families to list the fonts installed", usage.fonts));
    } else if usage.fonts > 0 {
        add(
            5,
            "fonts",
            format!("measured text in {} font famil{}", usage.fonts, if usage.fonts == 1 { "y" } else { "ies" }),
        );
    }
    let navigator = distinct(&usage.navigator);
    if navigator >= NAVIGATOR_THRESHOLD {
        add(15, "navigator", format!("read {navigator} browser traits from navigator ({})", list(&usage.navigator)));
    } else if navigator > 0 {
        add(3, "navigator", format!("read {} from navigator", list(&usage.navigator)));
    }
    let screen = distinct(&usage.screen);
    if screen >= SCREEN_THRESHOLD {
        add(10, "screen", format!("read {screen} screen traits ({})", list(&usage.screen)));
    } else if screen > 0 {
        add(2, "screen", format!("read {} from screen", list(&usage.screen)));
    }
    let score = score.min(100) as u8;
    let level = match score {
        0 => Level::None,
        1..=29 => Level::Low,
        30..=59 => Level::Medium,
        _ => Level::High,
    };
    FingerprintScore { score, level, techniques, reasons }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn distinct(names: &[String]) -> usize {
    let mut seen: Vec<&str> = names.iter().map(String::as_str).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Up to eight property names for a reason; names come from the page, so they are cut short.
fn list(names: &[String]) -> String {
    let mut shown: Vec<&str> =
        names.iter().map(|n| n.char_indices().nth(40).map_or(n.as_str(), |(at, _)| &n[..at])).collect();
    shown.sort_unstable();
    shown.dedup();
    let more = shown.len().saturating_sub(8);
    shown.truncate(8);
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn nothing_used_scores_none() {
        let verdict = score(&ApiUse::default());
        assert_eq!((verdict.score, verdict.level), (0, Level::None));
        assert!(verdict.reasons.is_empty());
    }

    #[test]
    fn a_single_ordinary_read_is_low() {
        let verdict = score(&ApiUse { navigator: names(&["language"]), ..ApiUse::default() });
        assert_eq!(verdict.level, Level::Low);
        assert_eq!(verdict.techniques, ["navigator"]);
    }

    #[test]
    fn canvas_webgl_and_many_fonts_together_are_high() {
        let verdict = score(&ApiUse { canvas_readback: 1, webgl_unmasked: 2, fonts: 60, ..ApiUse::default() });
        assert_eq!(verdict.level, Level::High);
        assert_eq!(verdict.score, 95);
        assert_eq!(verdict.techniques, ["canvas", "webgl", "fonts"]);
        assert!(verdict.reasons[2].contains("60 font families"));
    }

    #[test]
    fn canvas_read_back_alone_is_medium() {
        assert_eq!(score(&ApiUse { canvas_readback: 3, ..ApiUse::default() }).level, Level::Medium);
    }

    #[test]
    fn repeated_property_names_count_once_and_the_score_is_capped() {
        let many = names(&["userAgent", "userAgent", "language", "platform"]);
        let verdict = score(&ApiUse { navigator: many, ..ApiUse::default() });
        assert_eq!(verdict.score, 3, "three distinct traits stay under the threshold");
        let all = ApiUse {
            canvas_readback: u32::MAX,
            webgl_unmasked: u32::MAX,
            audio: u32::MAX,
            fonts: u32::MAX,
            navigator: names(&["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]),
            screen: names(&["width", "height", "colorDepth"]),
        };
        let verdict = score(&all);
        assert_eq!((verdict.score, verdict.level), (100, Level::High));
        assert!(verdict.reasons[4].ends_with("and 2 more)"), "{}", verdict.reasons[4]);
    }

    #[test]
    fn hostile_names_are_cut_short_without_panicking() {
        let long = "é".repeat(101);
        let verdict = score(&ApiUse { screen: vec![long], ..ApiUse::default() });
        assert!(verdict.reasons[0].len() < 100);
    }
}
