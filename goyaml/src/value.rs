//! The neutral value tree.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A map with string keys. Go maps have no order; every writer sorts (byte order for JSON,
/// go-yaml v2 natural order for YAML), so a `BTreeMap` loses nothing.
pub type Map = BTreeMap<String, Yaml>;

/// A YAML/JSON value as Go's `interface{}` trees hold it after go-yaml v2 / encoding/json.
///
/// Numbers keep go-yaml v2's typing (`Int` for values fitting an int64, `Uint` for larger
/// integers up to u64, `Float` otherwise). After the JSON normalisation Helm applies to
/// values, every number is a `Float`.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    String(String),
    Seq(Vec<Yaml>),
    Map(Map),
}

impl Yaml {
    /// Every number as float64, the way `json.Unmarshal` into `interface{}` sees it.
    pub fn normalize_numbers(self) -> Yaml {
        match self {
            Yaml::Int(i) => Yaml::Float(i as f64),
            Yaml::Uint(u) => Yaml::Float(u as f64),
            Yaml::Seq(s) => Yaml::Seq(s.into_iter().map(Yaml::normalize_numbers).collect()),
            Yaml::Map(m) => Yaml::Map(
                m.into_iter()
                    .map(|(k, v)| (k, v.normalize_numbers()))
                    .collect(),
            ),
            other => other,
        }
    }

    /// The JSON type name Go uses in `cannot unmarshal X` messages.
    pub fn json_type_name(&self) -> &'static str {
        match self {
            Yaml::Null => "null",
            Yaml::Bool(_) => "bool",
            Yaml::Int(_) | Yaml::Uint(_) | Yaml::Float(_) => "number",
            Yaml::String(_) => "string",
            Yaml::Seq(_) => "array",
            Yaml::Map(_) => "object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Yaml::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Yaml::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Yaml]> {
        match self {
            Yaml::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Member of a map by key.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.as_map().and_then(|m| m.get(key))
    }
}

impl From<bool> for Yaml {
    fn from(b: bool) -> Self {
        Yaml::Bool(b)
    }
}

impl From<i64> for Yaml {
    fn from(i: i64) -> Self {
        Yaml::Int(i)
    }
}

impl From<f64> for Yaml {
    fn from(f: f64) -> Self {
        Yaml::Float(f)
    }
}

impl From<&str> for Yaml {
    fn from(s: &str) -> Self {
        Yaml::String(s.to_string())
    }
}

impl From<String> for Yaml {
    fn from(s: String) -> Self {
        Yaml::String(s)
    }
}

impl From<Vec<Yaml>> for Yaml {
    fn from(v: Vec<Yaml>) -> Self {
        Yaml::Seq(v)
    }
}

impl From<Map> for Yaml {
    fn from(m: Map) -> Self {
        Yaml::Map(m)
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn digit_value(c: char) -> i64 {
    // Go computes `rune - '0'` for any Unicode digit; mirror that arithmetic.
    c as i64 - '0' as i64
}

/// go-yaml v2's key order for string keys ("natural" order): letters compare by code point,
/// a letter sorts after a non-letter, and runs of digits compare by numeric value
/// (`"" 9 10 B a a9 a10 b`).
pub fn natural_key_cmp(a: &str, b: &str) -> Ordering {
    if natural_less(a, b) {
        Ordering::Less
    } else if natural_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn natural_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // Same algorithm without allocating: every byte is a character.
        return natural_less_slices(a.as_bytes(), b.as_bytes(), |c| c as char);
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    natural_less_slices(&ar, &br, |c| c)
}

fn natural_less_slices<T: Copy + PartialEq>(ar: &[T], br: &[T], ch: impl Fn(T) -> char) -> bool {
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            continue;
        }
        let (ca, cb) = (ch(ar[i]), ch(br[i]));
        let (la, lb) = (is_letter(ca), is_letter(cb));
        if la && lb {
            return ca < cb;
        }
        if la || lb {
            return lb;
        }
        // Both non-letters: compare the digit runs starting here numerically.
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ca == '0' || cb == '0' {
            // A zero inside a longer number (preceded by a non-zero digit) counts as a digit
            // of that number, so start both accumulators at one.
            let mut j = i;
            while j > 0 && is_digit(ch(ar[j - 1])) {
                j -= 1;
                if ch(ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ch(ar[ai])) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ch(ar[ai])));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(ch(br[bi])) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(ch(br[bi])));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ca < cb;
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_example() {
        let mut keys = vec!["b", "a10", "a9", "a", "B", "10", "9", ""];
        keys.sort_by(|a, b| natural_key_cmp(a, b));
        assert_eq!(keys, ["", "9", "10", "B", "a", "a9", "a10", "b"]);
        // Non-letters before letters; equal numbers: shorter digit run first.
        assert_eq!(natural_key_cmp("a-b", "a0"), Ordering::Less);
        assert_eq!(natural_key_cmp("1", "01"), Ordering::Less);
        assert_eq!(natural_key_cmp("x9y10", "x10y2"), Ordering::Less);
        assert_eq!(natural_key_cmp("é", "ä"), Ordering::Greater);
    }
}
