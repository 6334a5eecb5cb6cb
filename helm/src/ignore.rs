//! `.helmignore` rules: one pattern a line, `#` comments, `!` negation, a trailing `/`
//! matches directories only; a pattern containing `/` matches the whole relative path,
//! otherwise the base name. Globs as Go's `filepath.Match` (`*`, `?`, `[...]`).

#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    pattern: String,
    negate: bool,
    dir_only: bool,
}

impl Rules {
    pub fn parse(text: &str) -> Rules {
        let mut rules = Vec::new();
        for line in text.lines() {
            let mut l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let negate = l.starts_with('!');
            if negate {
                l = &l[1..];
            }
            let dir_only = l.ends_with('/');
            let l = l.trim_end_matches('/').trim_start_matches("./");
            if l.is_empty() {
                continue;
            }
            rules.push(Rule {
                pattern: l.to_string(),
                negate,
                dir_only,
            });
        }
        Rules { rules }
    }

    fn decide(&self, path: &str, is_dir: bool) -> bool {
        let base = path.rsplit('/').next().unwrap_or(path);
        let mut ignored = false;
        for r in &self.rules {
            if r.dir_only && !is_dir {
                continue;
            }
            let target = if r.pattern.contains('/') { path } else { base };
            if glob_match(&r.pattern, target) {
                ignored = !r.negate;
            }
        }
        ignored
    }

    /// Whether a file (relative path, forward slashes) is ignored, either itself or
    /// through one of its parent directories.
    pub fn ignored(&self, path: &str) -> bool {
        let mut idx = 0;
        while let Some(p) = path[idx..].find('/') {
            let dir = &path[..idx + p];
            if self.decide(dir, true) {
                return true;
            }
            idx += p + 1;
        }
        self.decide(path, false)
    }
}

/// Go `filepath.Match` (with `/` as the separator); a malformed pattern matches nothing.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n).unwrap_or(false)
}

fn match_from(p: &[char], n: &[char]) -> Option<bool> {
    if p.is_empty() {
        return Some(n.is_empty());
    }
    match p[0] {
        '*' => {
            // `*` matches any run of non-separator characters.
            let mut i = 0;
            loop {
                if match_from(&p[1..], &n[i..])? {
                    return Some(true);
                }
                if i >= n.len() || n[i] == '/' {
                    return Some(false);
                }
                i += 1;
            }
        }
        '?' => {
            if n.is_empty() || n[0] == '/' {
                return Some(false);
            }
            match_from(&p[1..], &n[1..])
        }
        '[' => {
            let end = p.iter().position(|&c| c == ']')?;
            if n.is_empty() || n[0] == '/' {
                return Some(false);
            }
            let mut cls = &p[1..end];
            let neg = matches!(cls.first(), Some('^'));
            if neg {
                cls = &cls[1..];
            }
            let c = n[0];
            let mut hit = false;
            let mut i = 0;
            while i < cls.len() {
                if i + 2 < cls.len() && cls[i + 1] == '-' {
                    if cls[i] <= c && c <= cls[i + 2] {
                        hit = true;
                    }
                    i += 3;
                } else {
                    if cls[i] == c {
                        hit = true;
                    }
                    i += 1;
                }
            }
            if hit == neg {
                return Some(false);
            }
            match_from(&p[end + 1..], &n[1..])
        }
        '\\' => {
            let c = *p.get(1)?;
            if n.first() != Some(&c) {
                return Some(false);
            }
            match_from(&p[2..], &n[1..])
        }
        c => {
            if n.first() != Some(&c) {
                return Some(false);
            }
            match_from(&p[1..], &n[1..])
        }
    }
}
