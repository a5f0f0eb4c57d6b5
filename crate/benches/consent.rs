//! Hostile consent strings: decode time and peak memory against input size.
//!
//!     cargo bench --bench consent
//!
//! Each string is built from the TCF field tables to claim as much as its size allows (every
//! publisher restriction naming all 65,535 vendors, range lists repeating the full range, bit
//! fields alternating so every other id is a range of its own, a GPP header claiming every
//! section id). The bound of issue 18: any string under 64 KB decodes in at most 1 ms and 1 MB of
//! peak heap. Peak heap is measured with a counting global allocator around one decode; the JSON
//! the CLI and the extension receive is measured too. Exits 1 when a bound is broken.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;
use tracklens::consent::decode_consent;

/// The system allocator, counting the bytes in use and their peak since the last reset.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MAX_SECONDS: f64 = 0.001;
const MAX_BYTES: usize = 1 << 20;
const MAX_INPUT: usize = 64 * 1024;

#[derive(Default)]
struct Writer {
    bits: Vec<bool>,
}

impl Writer {
    fn int(&mut self, value: u64, width: u32) -> &mut Self {
        self.bits.extend((0..width).rev().map(|shift| value >> shift & 1 == 1));
        self
    }
    fn bit(&mut self, value: bool) -> &mut Self {
        self.bits.push(value);
        self
    }
    fn len_chars(&self) -> usize {
        self.bits.len().div_ceil(6)
    }
    fn finish(&self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        self.bits
            .chunks(6)
            .map(|c| ALPHABET[(0..6).fold(0, |acc, i| acc << 1 | usize::from(c.get(i) == Some(&true)))] as char)
            .collect()
    }
    /// A TCF v2 core header up to (and without) the vendor sections; policy version 4.
    fn core_header() -> Self {
        let mut w = Writer::default();
        w.int(2, 6).int(17_000_064_000, 36).int(17_000_064_000, 36).int(10, 12).int(1, 12).int(1, 6);
        w.int(4, 6).int(13, 6).int(150, 12).int(4, 6).bit(false).bit(false).int(0, 12);
        w.int(0xff_ffff, 24).int(0xff_ffff, 24).bit(false).int(3, 6).int(4, 6);
        w
    }
    fn alternating_bit_field(&mut self) -> &mut Self {
        self.int(65_535, 16).bit(false);
        for id in 1..=65_535u32 {
            self.bit(id % 2 == 1);
        }
        self
    }
}

/// Fills the publisher restrictions with entries of `entry` bits until about `target` characters.
fn restrictions(target: usize, one_restriction: impl Fn(&mut Writer)) -> String {
    let mut w = Writer::core_header();
    w.int(65_535, 16).bit(true).int(1, 12).bit(true).int(1, 16).int(65_535, 16);
    w.int(0, 16).bit(false);
    let mut probe = Writer::default();
    one_restriction(&mut probe);
    let room = (target * 6).saturating_sub(w.bits.len() + 12) / probe.bits.len();
    let count = room.min(4_095);
    w.int(count as u64, 12);
    for _ in 0..count {
        one_restriction(&mut w);
    }
    w.finish()
}

fn hostile_strings() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for size in [1_024, 4_096, 16_384, 36_000] {
        // Each restriction: purpose, type, one range 1-65,535 (53 bits claiming 65,535 ids).
        let text = restrictions(size, |w| {
            w.int(2, 6).int(0, 2).int(1, 12).bit(true).int(1, 16).int(65_535, 16);
        });
        out.push((format!("restrictions x all vendors ({size} B)"), text));
    }
    // 4,095 restrictions... then as many single-id entries as fit in 64 KB: the most ranges.
    let text = {
        let mut w = Writer::core_header();
        w.int(0, 16).bit(false).int(0, 16).bit(false).int(1, 12);
        w.int(3, 6).int(1, 2);
        let count = ((MAX_INPUT - 200) * 6 - w.bits.len() - 12) / 17;
        w.int(count.min(4_095) as u64, 12);
        for i in 0..count.min(4_095) {
            w.bit(false).int(1 + 2 * i as u64, 16);
        }
        w.finish()
    };
    out.push(("one restriction of 4,095 single ids".to_owned(), text));
    // Vendor consents as 4,095 overlapping full ranges, the same for legitimate interests.
    let text = {
        let mut w = Writer::core_header();
        for _ in 0..2 {
            w.int(65_535, 16).bit(true).int(4_095, 12);
            for _ in 0..4_095 {
                w.bit(true).int(1, 16).int(65_535, 16);
            }
        }
        w.int(0, 12);
        w.finish()
    };
    out.push(("vendor sections of 4,095 full ranges".to_owned(), text));
    // Every vendor section an alternating bit field: 32,768 ranges each.
    let text = {
        let mut w = Writer::core_header();
        w.alternating_bit_field().alternating_bit_field().int(0, 12);
        let core = w.finish();
        let mut disclosed = Writer::default();
        disclosed.int(1, 3).alternating_bit_field();
        let mut allowed = Writer::default();
        allowed.int(2, 3).alternating_bit_field();
        format!("{core}.{}.{}", disclosed.finish(), allowed.finish())
    };
    out.push(("four alternating 65,535-bit fields".to_owned(), text));
    // A GPP header claiming sections 1-65,535, followed by many sections.
    let text = {
        let mut w = Writer::default();
        w.int(3, 6).int(1, 6).int(1, 12).bit(true);
        // Fibonacci 1 ("11"), then the range length 65,534 written as Fibonacci.
        w.bit(true).bit(true);
        let mut fibs = vec![1u64, 2];
        while *fibs.last().unwrap() <= 65_534 {
            fibs.push(fibs[fibs.len() - 1] + fibs[fibs.len() - 2]);
        }
        let mut rest = 65_534u64;
        let mut code = vec![false; fibs.len()];
        for i in (0..fibs.len()).rev() {
            if fibs[i] <= rest {
                code[i] = true;
                rest -= fibs[i];
            }
        }
        while code.last() == Some(&false) {
            code.pop();
        }
        for b in code {
            w.bit(b);
        }
        w.bit(true);
        let sections = "~1YNN".repeat((MAX_INPUT - w.len_chars() - 10) / 5);
        format!("{}{sections}", w.finish())
    };
    out.push(("GPP header claiming 65,535 sections".to_owned(), text));
    out.push(("64 KB of base64url 'A'".to_owned(), format!("C{}", "A".repeat(MAX_INPUT - 2))));
    out.push(("64 KB of base64url '_'".to_owned(), format!("C{}", "_".repeat(MAX_INPUT - 2))));
    out
}

fn main() {
    println!("{:<44} {:>8} {:>10} {:>11} {:>11}  result", "hostile string", "bytes", "time", "peak heap", "JSON out");
    let mut broken = 0;
    for (name, text) in hostile_strings() {
        assert!(text.len() < MAX_INPUT, "{name}: {} bytes", text.len());
        let runs = 50;
        let started = Instant::now();
        for _ in 0..runs {
            let _ = black_box(decode_consent(black_box(&text)));
        }
        let seconds = started.elapsed().as_secs_f64() / f64::from(runs);
        let before = IN_USE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let decoded = decode_consent(&text);
        let peak = PEAK.load(Relaxed) - before;
        let (json, result) = match &decoded {
            Ok(signal) => {
                (serde_json::to_string(signal).map_or(0, |j| j.len()), format!("{} vendors", summary_count(signal)))
            }
            Err(e) => (0, format!("error: {e}")),
        };
        drop(decoded);
        let ok = seconds <= MAX_SECONDS && peak <= MAX_BYTES;
        broken += usize::from(!ok);
        println!(
            "{name:<44} {:>8} {:>8.3}ms {:>9}kB {:>9}kB  {}{result}",
            text.len(),
            seconds * 1e3,
            peak / 1024,
            json / 1024,
            if ok { "" } else { "OVER BOUND; " }
        );
    }
    println!("bound: every string under 64 KB in <= 1 ms and <= 1 MB of peak heap; {broken} over it");
    if broken > 0 {
        std::process::exit(1);
    }
}

fn summary_count(signal: &tracklens::consent::ConsentSignal) -> String {
    match signal {
        tracklens::consent::ConsentSignal::Tcf(tc) => tc.vendor_consents.ids.count().to_string(),
        _ => "-".to_owned(),
    }
}
