//! Results: every round as measured, medians per (phase, target), ratios of kycd to its
//! comparator, the goals with where kycd stands, written as JSON and markdown.

use crate::stats::median;
use serde::Serialize;
use serde_json::{Map, Value};
use std::{fmt::Write as _, path::Path};

/// One measurement of one target in one phase.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub phase: String,
    pub target: String,
    pub round: usize,
    /// Metric name → value, in display order.
    pub metrics: Map<String, Value>,
    /// Error kind → count, and a few example answers.
    pub error_kinds: Map<String, Value>,
    pub error_samples: Vec<String>,
}

impl Round {
    pub fn new(phase: &str, target: &str, round: usize) -> Self {
        Self {
            phase: phase.to_owned(),
            target: target.to_owned(),
            round,
            metrics: Map::new(),
            error_kinds: Map::new(),
            error_samples: Vec::new(),
        }
    }

    pub fn metric(&mut self, name: &str, value: f64) -> &mut Self {
        self.metrics.insert(name.to_owned(), number(value));
        self
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(Value::as_f64)
    }
}

fn number(value: f64) -> Value {
    serde_json::Number::from_f64((value * 1000.0).round() / 1000.0)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Medians over the rounds of one target in one phase ("errors" is summed instead).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub phase: String,
    pub target: String,
    pub rounds: usize,
    pub medians: Map<String, Value>,
}

impl Summary {
    pub fn get(&self, name: &str) -> Option<f64> {
        self.medians.get(name).and_then(Value::as_f64)
    }
}

/// kycd's median divided by the comparator's, for one metric of one phase.
#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    pub phase: String,
    pub metric: String,
    pub numerator: String,
    pub denominator: String,
    pub value: f64,
}

/// One goal of the issue and where kycd stands against it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub goal: String,
    pub measured: String,
    pub met: bool,
}

/// The machine a report was measured on.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub memory_gib: f64,
    pub cpu_model: String,
    pub kernel: String,
    pub load_before: String,
    pub load_after: String,
}

impl Machine {
    pub fn probe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib: f64 = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        Self {
            nproc: std::thread::available_parallelism().map(usize::from).unwrap_or(0),
            memory_gib: (mem_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
            cpu_model,
            kernel: read_trimmed("/proc/sys/kernel/osrelease"),
            load_before: load_average(),
            load_after: String::new(),
        }
    }
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path).map(|s| s.trim().to_owned()).unwrap_or_default()
}

/// The 1/5/15-minute load averages.
pub fn load_average() -> String {
    read_trimmed("/proc/loadavg").split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Everything one scenario run produced.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub started_at: String,
    pub machine: Machine,
    pub settings: Map<String, Value>,
    pub notes: Vec<String>,
    pub rounds: Vec<Round>,
    pub summaries: Vec<Summary>,
    pub ratios: Vec<Ratio>,
    pub checks: Vec<Check>,
    /// Set when the scenario could not run (e.g. Prism not installed); nothing was measured.
    pub skipped: Option<String>,
}

impl Report {
    pub fn new(scenario: &str) -> Self {
        let started_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Self {
            scenario: scenario.to_owned(),
            started_at,
            machine: Machine::probe(),
            settings: Map::new(),
            notes: Vec::new(),
            rounds: Vec::new(),
            summaries: Vec::new(),
            ratios: Vec::new(),
            checks: Vec::new(),
            skipped: None,
        }
    }

    pub fn setting(&mut self, name: &str, value: impl Into<Value>) {
        self.settings.insert(name.to_owned(), value.into());
    }

    /// Computes the medians per (phase, target) in the order the rounds came.
    pub fn summarise(&mut self) {
        let mut keys: Vec<(String, String)> = Vec::new();
        for round in &self.rounds {
            let key = (round.phase.clone(), round.target.clone());
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        self.summaries = keys
            .into_iter()
            .map(|(phase, target)| {
                let rounds: Vec<&Round> =
                    self.rounds.iter().filter(|r| r.phase == phase && r.target == target).collect();
                let mut medians = Map::new();
                for name in rounds.iter().flat_map(|r| r.metrics.keys()) {
                    if medians.contains_key(name) {
                        continue;
                    }
                    let values: Vec<f64> = rounds.iter().filter_map(|r| r.get(name)).collect();
                    let value =
                        if name == "errors" { values.iter().sum() } else { median(&values) };
                    medians.insert(name.clone(), number(value));
                }
                Summary { phase, target, rounds: rounds.len(), medians }
            })
            .collect();
    }

    pub fn summary(&self, phase: &str, target: &str) -> Option<&Summary> {
        self.summaries.iter().find(|s| s.phase == phase && s.target == target)
    }

    /// Adds kycd/`other` for `metric` in `phase`; returns it.
    pub fn ratio(&mut self, phase: &str, metric: &str, other: &str) -> Option<f64> {
        let kycd = self.summary(phase, "kycd")?.get(metric)?;
        let theirs = self.summary(phase, other)?.get(metric)?;
        let value = if theirs != 0.0 { kycd / theirs } else { f64::NAN };
        self.ratios.push(Ratio {
            phase: phase.to_owned(),
            metric: metric.to_owned(),
            numerator: "kycd".into(),
            denominator: other.to_owned(),
            value,
        });
        Some(value)
    }

    pub fn check(&mut self, goal: &str, measured: String, met: bool) {
        self.checks.push(Check { goal: goal.to_owned(), measured, met });
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "## Scenario `{}` ({})\n", self.scenario, self.started_at);
        let _ = writeln!(
            out,
            "Machine: {} × {}, {} GiB, Linux {}; load average before {} / after {}.\n",
            m.nproc, m.cpu_model, m.memory_gib, m.kernel, m.load_before, m.load_after
        );
        if let Some(reason) = &self.skipped {
            let _ = writeln!(out, "**Skipped:** {reason}\n");
            return out;
        }
        if !self.settings.is_empty() {
            let settings: Vec<String> =
                self.settings.iter().map(|(k, v)| format!("{k}={}", plain(v))).collect();
            let _ = writeln!(out, "Settings: {}.\n", settings.join(", "));
        }
        let mut phases: Vec<&str> = Vec::new();
        for s in &self.summaries {
            if !phases.contains(&s.phase.as_str()) {
                phases.push(&s.phase);
            }
        }
        for phase in phases {
            let rows: Vec<&Summary> = self.summaries.iter().filter(|s| s.phase == phase).collect();
            let mut columns: Vec<&String> = Vec::new();
            for row in &rows {
                for key in row.medians.keys() {
                    if !columns.contains(&key) {
                        columns.push(key);
                    }
                }
            }
            let _ = writeln!(out, "**{phase}** (medians of the rounds; errors are totals)\n");
            let header: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
            let _ = writeln!(out, "| target | rounds | {} |", header.join(" | "));
            let _ = writeln!(out, "|---|---|{}", "---|".repeat(columns.len()));
            for row in rows {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| row.medians.get(*c).map(plain).unwrap_or_else(|| "—".into()))
                    .collect();
                let _ =
                    writeln!(out, "| {} | {} | {} |", row.target, row.rounds, cells.join(" | "));
            }
            let _ = writeln!(out);
            for ratio in self.ratios.iter().filter(|r| r.phase == phase) {
                let _ = writeln!(
                    out,
                    "- {}/{} {}: **{:.3}**",
                    ratio.numerator, ratio.denominator, ratio.metric, ratio.value
                );
            }
            let _ = writeln!(out);
        }
        if !self.checks.is_empty() {
            let _ = writeln!(out, "| goal | measured | met |\n|---|---|---|");
            for check in &self.checks {
                let met = if check.met { "yes" } else { "**no**" };
                let _ = writeln!(out, "| {} | {} | {met} |", check.goal, check.measured);
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "<details><summary>Every round</summary>\n");
        for round in &self.rounds {
            let metrics: Vec<String> =
                round.metrics.iter().map(|(k, v)| format!("{k} {}", plain(v))).collect();
            let _ = write!(
                out,
                "- {} · {} · round {}: {}",
                round.phase,
                round.target,
                round.round,
                metrics.join(", ")
            );
            if !round.error_kinds.is_empty() {
                let kinds: Vec<String> =
                    round.error_kinds.iter().map(|(k, v)| format!("{k} ×{}", plain(v))).collect();
                let _ = write!(out, " — errors: {}", kinds.join(", "));
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "\n</details>\n");
        for note in &self.notes {
            let _ = writeln!(out, "- {note}");
        }
        out
    }

    /// Writes `<dir>/<scenario>.json` and `<dir>/<scenario>.md`.
    pub fn write(&mut self, dir: &Path) -> anyhow::Result<()> {
        self.machine.load_after = load_average();
        std::fs::create_dir_all(dir)?;
        let json = serde_json::to_vec_pretty(self)?;
        std::fs::write(dir.join(format!("{}.json", self.scenario)), json)?;
        std::fs::write(dir.join(format!("{}.md", self.scenario)), self.markdown())?;
        Ok(())
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            Some(f) if f.abs() >= 100.0 => format!("{f:.0}"),
            Some(f) if f.abs() >= 10.0 => format!("{f:.1}"),
            Some(f) => format!("{f:.2}"),
            None => n.to_string(),
        },
        other => other.to_string(),
    }
}
