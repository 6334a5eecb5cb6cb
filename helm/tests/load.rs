//! Chart loading: directories, archives, `.Files` selection and every limit.

use std::io::Write;

use helm::chart::{Chart, LoadError, MAX_FILE_BYTES, MAX_FILES};

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: demo\nversion: 0.1.0\nkubeVersion: '>= 1.21.0-0'\nannotations:\n  a: b\n";

enum Entry<'a> {
    File(&'a str, &'a [u8]),
    /// Raw name bytes written into the header, bypassing the tar crate's path checks.
    RawName(&'a str, &'a [u8]),
    Symlink(&'a str, &'a str),
    HardLink(&'a str, &'a str),
    Char(&'a str),
}

fn archive(entries: &[Entry]) -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(enc);
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        match e {
            Entry::File(n, d) => {
                h.set_size(d.len() as u64);
                h.set_entry_type(tar::EntryType::Regular);
                h.set_path(n).unwrap();
                h.set_cksum();
                b.append(&h, *d).unwrap();
            }
            Entry::RawName(n, d) => {
                h.set_size(d.len() as u64);
                h.set_entry_type(tar::EntryType::Regular);
                let name = &mut h.as_old_mut().name;
                name[..n.len()].copy_from_slice(n.as_bytes());
                h.set_cksum();
                b.append(&h, *d).unwrap();
            }
            Entry::Symlink(n, t) | Entry::HardLink(n, t) => {
                h.set_size(0);
                h.set_entry_type(if matches!(e, Entry::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                h.set_path(n).unwrap();
                h.set_link_name(t).unwrap();
                h.set_cksum();
                b.append(&h, &[][..]).unwrap();
            }
            Entry::Char(n) => {
                h.set_size(0);
                h.set_entry_type(tar::EntryType::Char);
                h.set_path(n).unwrap();
                h.set_cksum();
                b.append(&h, &[][..]).unwrap();
            }
        }
    }
    b.into_inner().unwrap().finish().unwrap()
}

fn basic<'a>(extra: Vec<Entry<'a>>) -> Vec<Entry<'a>> {
    let mut v = vec![
        Entry::File("demo/Chart.yaml", CHART_YAML),
        Entry::File("demo/values.yaml", b"a: 1\n"),
        Entry::File("demo/values.schema.json", b"{}"),
        Entry::File("demo/templates/cm.yaml", b"kind: ConfigMap\n"),
        Entry::File("demo/templates/_helpers.tpl", b""),
        Entry::File("demo/files/x.json", b"{}"),
        Entry::File("demo/README.md", b"# demo\n"),
        Entry::File("demo/.helmignore", b"README.md\n"),
    ];
    v.extend(extra);
    v
}

#[test]
fn archive_loads_and_selects_files() {
    let c = Chart::load_archive(&archive(&basic(vec![]))).unwrap();
    assert_eq!(c.metadata.name, "demo");
    assert_eq!(c.metadata.kube_version, ">= 1.21.0-0");
    assert_eq!(c.metadata.annotations["a"], "b");
    let t: Vec<_> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(t, ["templates/_helpers.tpl", "templates/cm.yaml"]);
    // .helmignore is not applied to archives (it was applied when packaging).
    let f: Vec<_> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(f, [".helmignore", "README.md", "files/x.json"]);
    assert!(c.schema.is_some());
    assert_eq!(c.values["a"], goyaml::Yaml::Float(1.0));
}

#[test]
fn directory_applies_helmignore() {
    let dir = std::env::temp_dir().join(format!("helm-load-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ci")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), CHART_YAML).unwrap();
    std::fs::write(dir.join("templates/a.yaml"), "x").unwrap();
    std::fs::write(dir.join("ci/v.yaml"), "x").unwrap();
    std::fs::write(dir.join("keep.txt"), "x").unwrap();
    std::fs::write(dir.join("drop.bak"), "x").unwrap();
    std::fs::write(dir.join(".helmignore"), "# c\n*.bak\nci/\n").unwrap();
    let c = Chart::load(&dir).unwrap();
    let f: Vec<_> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(f, [".helmignore", "keep.txt"]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("keep.txt"), dir.join("link.txt")).unwrap();
        assert!(matches!(Chart::load(&dir), Err(LoadError::Unsafe(_))));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn traversal_and_absolute_paths_refused() {
    for name in ["demo/../../etc/passwd", "/etc/passwd"] {
        let a = archive(&basic(vec![Entry::RawName(name, b"x")]));
        let e = Chart::load_archive(&a).unwrap_err();
        assert!(matches!(e, LoadError::Unsafe(_)), "{name}: {e:?}");
    }
}

#[test]
fn links_and_devices_refused() {
    for extra in [
        Entry::Symlink("demo/templates/l.yaml", "/etc/passwd"),
        Entry::HardLink("demo/templates/h.yaml", "demo/Chart.yaml"),
        Entry::Char("demo/dev"),
    ] {
        let e = Chart::load_archive(&archive(&basic(vec![extra]))).unwrap_err();
        assert!(matches!(e, LoadError::Unsafe(_)), "{e:?}");
    }
}

#[test]
fn too_many_files() {
    let names: Vec<String> = (0..=MAX_FILES).map(|i| format!("demo/f/{i}")).collect();
    let extra = names.iter().map(|n| Entry::File(n, b"")).collect();
    let e = Chart::load_archive(&archive(&basic(extra))).unwrap_err();
    assert!(
        matches!(e, LoadError::Limit(ref m) if m.contains("files")),
        "{e:?}"
    );
}

#[test]
fn file_too_big() {
    let big = vec![b'a'; MAX_FILE_BYTES as usize + 1];
    let e = Chart::load_archive(&archive(&basic(vec![Entry::File("demo/big", &big)]))).unwrap_err();
    assert!(matches!(e, LoadError::Limit(_)), "{e:?}");
}

#[test]
fn decompressed_total_too_big() {
    // 17 files just under the single-file limit exceed the 256 MiB total.
    let chunk = vec![0u8; MAX_FILE_BYTES as usize];
    let names: Vec<String> = (0..17).map(|i| format!("demo/z/{i}")).collect();
    let extra = names.iter().map(|n| Entry::File(n, &chunk)).collect();
    let e = Chart::load_archive(&archive(&basic(extra))).unwrap_err();
    assert!(matches!(e, LoadError::Limit(_)), "{e:?}");
}

#[test]
fn archive_too_big_and_garbage() {
    let huge = vec![0u8; helm::chart::MAX_ARCHIVE_BYTES as usize + 1];
    assert!(matches!(
        Chart::load_archive(&huge),
        Err(LoadError::Limit(_))
    ));
    assert!(Chart::load_archive(b"not a gzip").is_err());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"not a tar at all").unwrap();
    assert!(Chart::load_archive(&gz.finish().unwrap()).is_err());
}

#[test]
fn missing_or_invalid_chart_yaml() {
    let a = archive(&[Entry::File("demo/values.yaml", b"a: 1\n")]);
    assert!(matches!(
        Chart::load_archive(&a),
        Err(LoadError::Invalid(_))
    ));
    let a = archive(&[Entry::File("demo/Chart.yaml", b"name: x\n")]);
    assert!(matches!(
        Chart::load_archive(&a),
        Err(LoadError::Invalid(_))
    ));
    let a = archive(&[
        Entry::File("demo/Chart.yaml", CHART_YAML),
        Entry::File("demo/values.yaml", b"- not a map\n"),
    ]);
    assert!(matches!(
        Chart::load_archive(&a),
        Err(LoadError::Invalid(_))
    ));
}

#[test]
fn subchart_directories_load() {
    let a = archive(&basic(vec![
        Entry::File(
            "demo/charts/sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        Entry::File("demo/charts/sub/templates/x.yaml", b"x"),
    ]));
    let c = Chart::load_archive(&a).unwrap();
    assert_eq!(c.dependencies.len(), 1);
    assert_eq!(c.dependencies[0].metadata.name, "sub");
    assert_eq!(c.dependencies[0].templates.len(), 1);
}

/// Real Cilium charts, when a developer has them (`CILIUM_CHARTS_DIR`).
#[test]
fn real_cilium_charts_load() {
    let Ok(dir) = std::env::var("CILIUM_CHARTS_DIR") else {
        eprintln!("skipped: CILIUM_CHARTS_DIR not set");
        return;
    };
    for (v, templates, files) in [("1.18.12", 135usize, 15usize), ("1.16.19", 136, 17)] {
        let p = std::path::Path::new(&dir).join(format!("cilium-{v}.tgz"));
        if !p.exists() {
            eprintln!("skipped: {} missing", p.display());
            continue;
        }
        let c = Chart::load(&p).unwrap();
        assert_eq!(c.templates.len(), templates, "{v}");
        assert_eq!(c.files.len(), files, "{v}");
        assert!(c.schema.is_some());
        assert_eq!(c.metadata.kube_version, ">= 1.21.0-0");
    }
}

#[test]
fn subchart_nesting_limited() {
    use helm::chart::{File, MAX_SUBCHART_DEPTH};
    let chart_yaml = |n: &str| format!("apiVersion: v2\nname: {n}\nversion: 1.0.0\n");
    let build = |levels: usize| {
        let mut files = vec![File {
            name: "Chart.yaml".into(),
            data: chart_yaml("top").into_bytes().into(),
        }];
        let mut prefix = String::new();
        for i in 0..levels {
            prefix.push_str(&format!("charts/s{i}/"));
            files.push(File {
                name: format!("{prefix}Chart.yaml"),
                data: chart_yaml(&format!("s{i}")).into_bytes().into(),
            });
        }
        Chart::from_files(files)
    };
    assert!(build(MAX_SUBCHART_DEPTH).is_ok());
    assert!(matches!(
        build(MAX_SUBCHART_DEPTH + 1),
        Err(LoadError::Limit(_))
    ));
}

#[test]
fn subchart_archive_count_limited() {
    use helm::chart::MAX_SUBCHART_ARCHIVES;
    let sub = archive(&[Entry::File(
        "sub/Chart.yaml",
        b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
    )]);
    let names: Vec<String> = (0..=MAX_SUBCHART_ARCHIVES)
        .map(|i| format!("demo/charts/sub{i}.tgz"))
        .collect();
    let extra = names.iter().map(|n| Entry::File(n, &sub)).collect();
    let e = Chart::load_archive(&archive(&basic(extra))).unwrap_err();
    assert!(matches!(e, LoadError::Limit(_)), "{e:?}");
    let names: Vec<String> = (0..3).map(|i| format!("demo/charts/sub{i}.tgz")).collect();
    let extra = names.iter().map(|n| Entry::File(n, &sub)).collect();
    assert_eq!(
        Chart::load_archive(&archive(&basic(extra)))
            .unwrap()
            .dependencies
            .len(),
        3
    );
}
