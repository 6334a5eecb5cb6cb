//! Interoperability with the real Terraform CLI (go-plugin client, Go TLS with
//! a P-521 client certificate, msgpack from cty). The test binary is its own
//! provider: with `TFPLUGIN_TEST_SERVE=1` it serves, otherwise it writes a
//! configuration and runs `terraform apply/plan/output` against itself.
//! Skipped (reported, not failed) when no `terraform` is on PATH.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};

const SERVE_ENV: &str = "TFPLUGIN_TEST_SERVE";

fn main() -> ExitCode {
    if std::env::var(SERVE_ENV).is_ok_and(|v| v == "1") {
        return tfplugin::serve_blocking(common::TestProvider);
    }
    let Some(terraform) = find_terraform() else {
        println!("terraform not found on PATH: skipped");
        println!("test result: ok. 0 passed; 0 failed; 1 ignored");
        return ExitCode::SUCCESS;
    };
    match run(&terraform) {
        Ok(()) => {
            println!("test terraform_cli_round_trip ... ok");
            println!("test result: ok. 1 passed; 0 failed");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("test terraform_cli_round_trip ... FAILED\n{e}");
            println!("test result: FAILED. 0 passed; 1 failed");
            ExitCode::FAILURE
        }
    }
}

fn find_terraform() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join("terraform"))
        .find(|p| p.is_file())
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tf(
    terraform: &Path,
    dir: &Path,
    cli_config: &Path,
    args: &[&str],
    extra_env: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(terraform);
    cmd.current_dir(dir).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("TF_") || k.starts_with("PLUGIN_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("RUST_BACKTRACE", "1");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run terraform")
}

fn check(o: &Output, what: &str) -> Result<(), String> {
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

fn run(terraform: &Path) -> Result<(), String> {
    let base = std::env::temp_dir().join(format!("tfplugin-tf-{}", std::process::id()));
    let _cleanup = TempDir(base.clone());
    let bin_dir = base.join("bin");
    let work = base.join("work");
    std::fs::create_dir_all(&bin_dir).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;

    // The provider executable: a wrapper that runs this test binary in serve mode.
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let wrapper = bin_dir.join("terraform-provider-test");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\n{SERVE_ENV}=1 exec '{}' \"$@\"\n", me.display()),
    )
    .map_err(|e| e.to_string())?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
    }
    let cli_config = base.join("cli.tfrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  dev_overrides {{\n    \"example.test/tfplugin/test\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            bin_dir.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        work.join("main.tf"),
        r#"
terraform {
  required_providers {
    test = { source = "example.test/tfplugin/test" }
  }
}
provider "test" {
  prefix = ">"
}
resource "test_thing" "a" {
  name  = "world"
  nodes = [{ address = "10.0.0.1/24" }]
}
data "test_echo" "e" {
  input = test_thing.a.greeting
}
output "greeting" { value = test_thing.a.greeting }
output "echo" { value = data.test_echo.e.output }
output "fn" { value = provider::test::upper("abc") }
"#,
    )
    .map_err(|e| e.to_string())?;

    let o = tf(
        terraform,
        &work,
        &cli_config,
        &["apply", "-auto-approve", "-no-color"],
        &[],
    );
    check(&o, "terraform apply")?;
    let o = tf(terraform, &work, &cli_config, &["output", "-json"], &[]);
    check(&o, "terraform output")?;
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
    let get = |k: &str| out[k]["value"].as_str().unwrap_or("<missing>").to_string();
    if get("greeting") != "hello world" || get("echo") != ">hello world" || get("fn") != "ABC" {
        return Err(format!("unexpected outputs: {out}"));
    }

    // No changes on a second plan; debug logs from the provider reach Terraform's log.
    let o = tf(
        terraform,
        &work,
        &cli_config,
        &["plan", "-detailed-exitcode", "-no-color"],
        &[("TF_LOG", "debug")],
    );
    if o.status.code() != Some(0) {
        return Err(format!(
            "second plan should report no changes, got {:?}:\n{}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    if !stderr.contains("PlanResourceChange test_thing") {
        return Err(format!(
            "provider debug log not forwarded by terraform:\n{stderr}"
        ));
    }

    // Validation diagnostics carry the attribute path into Terraform's output.
    std::fs::write(
        work.join("main.tf"),
        r#"
terraform {
  required_providers {
    test = { source = "example.test/tfplugin/test" }
  }
}
resource "test_thing" "a" {
  name  = "world"
  nodes = [{ address = "10.0.0.1/24" }, { address = "10.0.0.2" }]
}
"#,
    )
    .map_err(|e| e.to_string())?;
    let o = tf(terraform, &work, &cli_config, &["validate", "-json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
    let diag = &v["diagnostics"][0];
    if diag["summary"] != "Address needs a prefix length" {
        return Err(format!("unexpected validate output: {v}"));
    }
    if diag["detail"] != "\"10.0.0.2\" has no /N" || diag["address"] != "test_thing.a" {
        return Err(format!("unexpected diagnostic: {v}"));
    }

    // Refined unknowns reach Terraform with the right meaning: a greeting
    // planned as "not null, starts with `hello `" makes these outputs known at
    // plan time, and the applied value must honour the refinements. Removing
    // test_thing.a also exercises a destroy.
    std::fs::write(
        work.join("main.tf"),
        r#"
terraform {
  required_providers {
    test = { source = "example.test/tfplugin/test" }
  }
}
resource "terraform_data" "d" {
  input = "later"
}
resource "test_thing" "b" {
  name = terraform_data.d.output
}
output "not_null" { value = test_thing.b.greeting != null }
output "prefixed" { value = startswith(test_thing.b.greeting, "hello ") }
output "greeting_b" { value = test_thing.b.greeting }
"#,
    )
    .map_err(|e| e.to_string())?;
    let o = tf(
        terraform,
        &work,
        &cli_config,
        &["plan", "-no-color", "-out=refined.tfplan"],
        &[],
    );
    check(&o, "terraform plan (refinements)")?;
    let o = tf(
        terraform,
        &work,
        &cli_config,
        &["show", "-json", "refined.tfplan"],
        &[],
    );
    check(&o, "terraform show (refinements)")?;
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
    let outs = &plan["planned_values"]["outputs"];
    if outs["not_null"]["value"] != true || outs["prefixed"]["value"] != true {
        return Err(format!(
            "refinements not understood by terraform: {}",
            plan["planned_values"]
        ));
    }
    let o = tf(
        terraform,
        &work,
        &cli_config,
        &["apply", "-no-color", "refined.tfplan"],
        &[],
    );
    check(&o, "terraform apply (refinements)")?;
    let o = tf(terraform, &work, &cli_config, &["output", "-json"], &[]);
    check(&o, "terraform output (refinements)")?;
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
    if out["greeting_b"]["value"] != "hello later" || out.get("greeting").is_some() {
        return Err(format!("unexpected outputs after refined apply: {out}"));
    }

    // A panic in the provider is an error diagnostic, without a backtrace.
    std::fs::write(
        work.join("main.tf"),
        r#"
terraform {
  required_providers {
    test = { source = "example.test/tfplugin/test" }
  }
}
resource "test_thing" "a" {
  name = "panic"
}
"#,
    )
    .map_err(|e| e.to_string())?;
    let o = tf(terraform, &work, &cli_config, &["plan", "-no-color"], &[]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    if o.status.success() || !all.contains("internal error in PlanResourceChange: boom at plan") {
        return Err(format!("panic was not turned into a diagnostic:\n{all}"));
    }
    if all.contains("stack backtrace") || all.contains("rust_begin_unwind") {
        return Err(format!("backtrace leaked:\n{all}"));
    }
    Ok(())
}
