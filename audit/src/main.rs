//! `todo-audit`: fails when a crate in Cargo.lock has a RustSec advisory (a vulnerability, or
//! an "unsound" notice), using the advisory database kept in `security/advisory-db` (these
//! machines cannot fetch it; see its SNAPSHOT file). Unmaintained crates are reported, not
//! failed: replacing one is planned work, not an emergency.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::Parser;
use rustsec::{
    Database, Lockfile, Report,
    advisory::{Id, Informational},
    report::Settings,
};

#[derive(Parser)]
struct Args {
    /// The advisory database: a directory with the `crates/` collection.
    #[arg(long, default_value = "security/advisory-db")]
    db: PathBuf,
    /// The lockfile to check.
    #[arg(long, default_value = "Cargo.lock")]
    lockfile: PathBuf,
    /// An advisory to accept (repeatable); say why where the command is written down.
    #[arg(long)]
    ignore: Vec<String>,
}

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let db = Database::open(&args.db)
        .with_context(|| format!("reading the advisory database in {}", args.db.display()))?;
    let lockfile = Lockfile::load(&args.lockfile)
        .with_context(|| format!("reading {}", args.lockfile.display()))?;
    let ignore = args
        .ignore
        .iter()
        .map(|id| {
            id.parse::<Id>()
                .with_context(|| format!("{id} is not an advisory id"))
        })
        .collect::<anyhow::Result<Vec<Id>>>()?;
    let findings = audit(&db, &lockfile, ignore);
    println!(
        "{} crates checked against {} advisories",
        lockfile.packages.len(),
        db.iter().count()
    );
    for line in &findings.warnings {
        println!("warning: {line}");
    }
    for line in &findings.failures {
        println!("error: {line}");
    }
    Ok(if findings.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Debug, Default)]
struct Findings {
    failures: Vec<String>,
    warnings: Vec<String>,
}

fn audit(db: &Database, lockfile: &Lockfile, ignore: Vec<Id>) -> Findings {
    let settings = Settings {
        ignore,
        informational_warnings: vec![Informational::Unmaintained, Informational::Unsound],
        ..Settings::default()
    };
    let report = Report::generate(db, lockfile, &settings);
    let mut findings = Findings::default();
    for vulnerability in &report.vulnerabilities.list {
        let advisory = &vulnerability.advisory;
        findings.failures.push(format!(
            "{} {}: {} ({})",
            vulnerability.package.name, vulnerability.package.version, advisory.title, advisory.id
        ));
    }
    for warning in report.warnings.values().flatten() {
        let Some(advisory) = &warning.advisory else {
            continue;
        };
        let line = format!(
            "{} {} is {:?}: {} ({})",
            warning.package.name,
            warning.package.version,
            warning.kind,
            advisory.title,
            advisory.id
        );
        if matches!(warning.kind, rustsec::WarningKind::Unsound) {
            findings.failures.push(line);
        } else {
            findings.warnings.push(line);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> Database {
        Database::open(&PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../security/advisory-db"
        )))
        .expect("the advisory database")
    }

    fn lockfile(packages: &[(&str, &str)]) -> Lockfile {
        let mut text = String::from("version = 4\n");
        for (name, version) in packages {
            text.push_str(&format!(
                "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
            ));
        }
        text.parse().expect("a lockfile")
    }

    #[test]
    fn a_vulnerable_crate_fails_and_a_fixed_one_passes() {
        let db = database();
        // RUSTSEC-2023-0071 (the Marvin attack on rsa): no fixed release of 0.9.
        let vulnerable = audit(&db, &lockfile(&[("rsa", "0.9.6")]), Vec::new());
        assert!(
            vulnerable
                .failures
                .iter()
                .any(|f| f.contains("RUSTSEC-2023-0071")),
            "{vulnerable:?}"
        );
        let ignored = audit(
            &db,
            &lockfile(&[("rsa", "0.9.6")]),
            vec!["RUSTSEC-2023-0071".parse().unwrap()],
        );
        assert!(ignored.failures.is_empty(), "{ignored:?}");
        // RUSTSEC-2020-0071 (time's localtime_r) is fixed in 0.2.23.
        let fixed = audit(&db, &lockfile(&[("time", "0.2.23")]), Vec::new());
        assert!(fixed.failures.is_empty(), "{fixed:?}");
        let old = audit(&db, &lockfile(&[("time", "0.2.22")]), Vec::new());
        assert!(!old.failures.is_empty(), "{old:?}");
    }
}
