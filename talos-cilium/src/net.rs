//! CIDR and endpoint parsing (no external crates; std::net only).

use std::net::IpAddr;

/// A parsed CIDR (`10.244.0.0/16`, `fc00:db8:10::/56`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

/// Why a CIDR was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// No `/prefix` part.
    MissingPrefix,
    /// The address part is not an IPv4 or IPv6 address.
    BadAddress(String),
    /// The prefix is not a number in range for the family.
    BadPrefix { prefix: String, max: u8 },
    /// Bits below the prefix are set; `network` is the CIDR meant.
    HostBitsSet { network: String },
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, CidrError> {
        let (a, p) = s.split_once('/').ok_or(CidrError::MissingPrefix)?;
        let addr: IpAddr = a
            .parse()
            .map_err(|_| CidrError::BadAddress(a.to_string()))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse::<u8>().ok().filter(|n| *n <= max)
        } else {
            None
        };
        let prefix = prefix.ok_or_else(|| CidrError::BadPrefix {
            prefix: p.to_string(),
            max,
        })?;
        let c = Cidr { addr, prefix };
        let net = c.network();
        if net != addr {
            return Err(CidrError::HostBitsSet {
                network: format!("{net}/{prefix}"),
            });
        }
        Ok(c)
    }

    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4()
    }

    fn bits(&self) -> (u128, u32) {
        match self.addr {
            IpAddr::V4(v) => (u32::from(v) as u128, 32),
            IpAddr::V6(v) => (u128::from(v), 128),
        }
    }

    fn mask(prefix: u8, width: u32) -> u128 {
        if prefix == 0 {
            return 0;
        }
        let all: u128 = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        all & !((1u128 << (width - prefix as u32)) - 1)
    }

    /// The network address (host bits cleared).
    pub fn network(&self) -> IpAddr {
        let (v, w) = self.bits();
        let n = v & Self::mask(self.prefix, w);
        match self.addr {
            IpAddr::V4(_) => IpAddr::V4((n as u32).into()),
            IpAddr::V6(_) => IpAddr::V6(n.into()),
        }
    }

    /// True when the two ranges share at least one address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        if self.is_ipv4() != other.is_ipv4() {
            return false;
        }
        let (a, w) = self.bits();
        let (b, _) = other.bits();
        let p = self.prefix.min(other.prefix);
        let m = Self::mask(p, w);
        a & m == b & m
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An `<https://host[:port]`> endpoint (the Kubernetes API server URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsEndpoint {
    /// Host name or IP address; IPv6 without brackets.
    pub host: String,
    /// The port; 443 when the URL has none.
    pub port: u16,
}

/// Parses `<https://host[:port][/]`>. Errors are human sentences.
pub fn parse_https_endpoint(s: &str) -> Result<HttpsEndpoint, String> {
    let rest = match s.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => rest,
        Some((scheme, _)) => {
            return Err(format!(
                "the scheme is {scheme:?}, but the Kubernetes API server is reached over https"
            ));
        }
        None => return Err("it has no scheme; write it as https://HOST:PORT".into()),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#']) {
        return Err("it must not have a path, query or fragment".into());
    }
    if rest.contains('@') {
        return Err("it must not contain credentials".into());
    }
    let (host, port) = if let Some(r) = rest.strip_prefix('[') {
        let (h, after) = r
            .split_once(']')
            .ok_or("an IPv6 address opened with '[' is not closed")?;
        if h.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{h:?} is not an IPv6 address"));
        }
        match after {
            "" => (h.to_string(), None),
            p => (
                h.to_string(),
                Some(p.strip_prefix(':').ok_or("unexpected text after ']'")?),
            ),
        }
    } else {
        match rest.rsplit_once(':') {
            Some((h, _)) if h.contains(':') => {
                return Err(
                    "an IPv6 address must be written in brackets: https://[ADDR]:PORT".into(),
                );
            }
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (rest.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err("the host is empty".into());
    }
    if !host.contains(':') {
        let ok = host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        if !ok || host.len() > 253 {
            return Err(format!("{host:?} is not a valid host name or IPv4 address"));
        }
    }
    let port = match port {
        None => 443,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(format!("the port {p:?} is not a number in 1..=65535")),
        },
    };
    Ok(HttpsEndpoint { host, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        let c = Cidr::parse("10.244.0.0/16").unwrap();
        assert_eq!(c.prefix, 16);
        assert!(Cidr::parse("fc00:db8:10::/56").is_ok());
        assert!(Cidr::parse("0.0.0.0/0").is_ok());
        assert!(Cidr::parse("::/0").is_ok());
        assert!(Cidr::parse("10.0.0.1/32").is_ok());
        assert_eq!(Cidr::parse("10.0.0.0"), Err(CidrError::MissingPrefix));
        assert!(matches!(
            Cidr::parse("10.0.0.0/33"),
            Err(CidrError::BadPrefix { max: 32, .. })
        ));
        assert!(matches!(
            Cidr::parse("::/129"),
            Err(CidrError::BadPrefix { max: 128, .. })
        ));
        assert!(matches!(
            Cidr::parse("10.0.0.0/-1"),
            Err(CidrError::BadPrefix { .. })
        ));
        assert!(matches!(
            Cidr::parse("10.0.0.0/"),
            Err(CidrError::BadPrefix { .. })
        ));
        assert!(matches!(
            Cidr::parse("10.0.0/8"),
            Err(CidrError::BadAddress(_))
        ));
        assert_eq!(
            Cidr::parse("10.244.1.0/16"),
            Err(CidrError::HostBitsSet {
                network: "10.244.0.0/16".into()
            })
        );
        assert_eq!(
            Cidr::parse("fc00:db8:10::1/56"),
            Err(CidrError::HostBitsSet {
                network: "fc00:db8:10::/56".into()
            })
        );
    }

    #[test]
    fn overlap() {
        let p = |s| Cidr::parse(s).unwrap();
        assert!(p("10.0.0.0/8").overlaps(&p("10.96.0.0/12")));
        assert!(p("10.96.0.0/12").overlaps(&p("10.0.0.0/8")));
        assert!(!p("10.244.0.0/16").overlaps(&p("10.96.0.0/12")));
        assert!(p("0.0.0.0/0").overlaps(&p("192.168.0.0/16")));
        assert!(!p("10.0.0.0/8").overlaps(&p("fc00::/7")));
        assert!(p("fc00::/7").overlaps(&p("fc00:db8:20::/112")));
        assert!(!p("fc00:db8:10::/56").overlaps(&p("fc00:db8:20::/112")));
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            parse_https_endpoint("https://base:6443").unwrap(),
            HttpsEndpoint {
                host: "base".into(),
                port: 6443
            }
        );
        assert_eq!(
            parse_https_endpoint("https://10.0.0.10/").unwrap().port,
            443
        );
        assert_eq!(
            parse_https_endpoint("https://[fd00::1]:6443").unwrap().host,
            "fd00::1"
        );
        for bad in [
            "http://x:6443",
            "x:6443",
            "https://",
            "https://x:0",
            "https://x:70000",
            "https://x:6443/api",
            "https://u@x",
            "https://fd00::1:6443",
            "https://-x",
            "https://x:+1",
            "https://[fd00::1",
        ] {
            assert!(parse_https_endpoint(bad).is_err(), "{bad}");
        }
    }
}
