//! Where webhooks may go. DEV partners may deliver anywhere (local receivers are the point of a
//! sandbox). Other environments need https and a public address, checked after DNS resolution at
//! connect time, so a hostname cannot smuggle in a private IP; operators can allow-list networks.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    str::FromStr,
    sync::Arc,
};

/// An IP network in CIDR notation, e.g. `10.0.0.0/8` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid network '{0}': expected CIDR notation such as 10.0.0.0/8")]
pub struct InvalidCidr(pub String);

impl FromStr for Cidr {
    type Err = InvalidCidr;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidCidr(text.to_owned());
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = address.trim().parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().map_err(|_| bad())?,
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Self { network, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// True for globally routable unicast addresses: not loopback, private, link-local, CGNAT,
/// unspecified, multicast, broadcast, documentation or unique-local, and for IPv6 forms that
/// carry an IPv4 address, only when that address is public itself.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // 192.0.0.0/24 protocol assignments
        || (a == 192 && b == 88 && c == 99) // deprecated 6to4 relay anycast
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

/// IPv6 is judged by what it is: only the global unicast block 2000::/3 can be public (which
/// rules out the deprecated IPv4-compatible `::a.b.c.d` and SIIT `::ffff:0:a.b.c.d` forms,
/// site-local fec0::/10, discard-only 100::/64, unique-local, link-local, multicast and the
/// local-use NAT64 prefix 64:ff9b:1::/48). Inside it, the IETF's special-purpose 2001::/23
/// (Teredo, benchmarking, ORCHID) and the documentation prefixes are not; the well-known NAT64
/// prefix 64:ff9b::/96 and 6to4 2002::/16 stand for the IPv4 address they carry.
fn is_public_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    let within = |network: u128, prefix: u32| bits >> (128 - prefix) == network >> (128 - prefix);
    if within(0x0064_ff9b << 96, 96) {
        return is_public_v4(Ipv4Addr::from(bits as u32));
    }
    if within(0x2002 << 112, 16) {
        return is_public_v4(Ipv4Addr::from((bits >> 80) as u32));
    }
    within(0x2000 << 112, 3)
        && !within(0x2001 << 112, 23) // IETF protocol assignments: Teredo, ORCHID, benchmarking
        && !within(0x2001_0db8 << 96, 32) // documentation
        && !within(0x3fff << 112, 20) // documentation (RFC 9637)
}

/// Which addresses a partner's webhooks may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Networks allowed although not public (operator configuration).
    pub allowed_networks: Vec<Cidr>,
}

impl NetworkPolicy {
    pub fn permits(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.allowed_networks.iter().any(|net| net.contains(ip))
    }
}

/// A DNS resolver for the guarded HTTP client: it resolves the name and keeps only permitted
/// addresses, failing when none is left. Because reqwest connects only to what this returns, the
/// check happens at connect time, after DNS.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub policy: Arc<NetworkPolicy>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> =
                resolved.iter().copied().filter(|addr| policy.permits(addr.ip())).collect();
            if permitted.is_empty() {
                let shown: Vec<String> = resolved.iter().map(|a| a.ip().to_string()).collect();
                return Err(Box::new(Blocked(format!(
                    "{host} resolves only to non-public addresses [{}]",
                    shown.join(", ")
                ))) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(permitted.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A delivery refused by the network policy.
#[derive(Debug, Clone, thiserror::Error)]
#[error("blocked by network policy: {0}")]
pub struct Blocked(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// Every form an address can take, and what it must be judged.
    const JUDGED: &[(&str, bool, &str)] = &[
        ("8.8.8.8", true, "public IPv4"),
        ("1.1.1.1", true, "public IPv4"),
        ("127.0.0.1", false, "loopback"),
        ("10.1.2.3", false, "private"),
        ("172.16.0.1", false, "private"),
        ("192.168.1.1", false, "private"),
        ("169.254.169.254", false, "link-local (cloud metadata)"),
        ("100.64.0.1", false, "CGNAT"),
        ("0.0.0.0", false, "unspecified"),
        ("0.1.2.3", false, "this network"),
        ("255.255.255.255", false, "broadcast"),
        ("224.0.0.1", false, "multicast"),
        ("192.0.0.8", false, "IETF protocol assignments"),
        ("192.0.2.1", false, "documentation"),
        ("192.88.99.1", false, "deprecated 6to4 relay anycast"),
        ("198.18.0.1", false, "benchmarking"),
        ("240.0.0.1", false, "reserved"),
        ("2606:4700:4700::1111", true, "public IPv6"),
        ("2a00:1450:4001:82a::200e", true, "public IPv6"),
        ("::1", false, "loopback"),
        ("::", false, "unspecified"),
        ("fd00::1", false, "unique local"),
        ("fc00::1", false, "unique local"),
        ("fe80::1", false, "link local"),
        ("ff02::1", false, "multicast"),
        ("2001:db8::1", false, "documentation"),
        ("3fff::1", false, "documentation (RFC 9637)"),
        ("::ffff:127.0.0.1", false, "IPv4-mapped loopback"),
        ("::ffff:10.0.0.1", false, "IPv4-mapped private"),
        ("::ffff:a9fe:a9fe", false, "IPv4-mapped metadata"),
        ("::ffff:8.8.8.8", true, "IPv4-mapped public"),
        ("64:ff9b::a9fe:a9fe", false, "NAT64 of 169.254.169.254"),
        ("64:ff9b::7f00:1", false, "NAT64 of 127.0.0.1"),
        ("64:ff9b::808:808", true, "NAT64 of 8.8.8.8"),
        ("64:ff9b:1::a9fe:a9fe", false, "local-use NAT64"),
        ("64:ff9b:1:a9fe:a9:fe00::", false, "local-use NAT64, /48 layout"),
        ("2002:a9fe:a9fe::1", false, "6to4 of 169.254.169.254"),
        ("2002:7f00:1::1", false, "6to4 of 127.0.0.1"),
        ("2002:0a00:0001::1", false, "6to4 of 10.0.0.1"),
        ("2002:808:808::1", true, "6to4 of 8.8.8.8"),
        ("::a9fe:a9fe", false, "IPv4-compatible (deprecated)"),
        ("::127.0.0.1", false, "IPv4-compatible loopback"),
        ("::8.8.8.8", false, "IPv4-compatible (deprecated), even of a public address"),
        ("::ffff:0:a9fe:a9fe", false, "SIIT IPv4-translated"),
        ("::ffff:0:808:808", false, "SIIT IPv4-translated (deprecated)"),
        ("2001::a9fe:a9fe", false, "Teredo"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", false, "Teredo"),
        ("2001:2::1", false, "benchmarking"),
        ("2001:10::1", false, "ORCHID (deprecated)"),
        ("2001:20::1", false, "ORCHIDv2"),
        ("fec0::1", false, "site-local (deprecated)"),
        ("100::1", false, "discard-only"),
        ("5f00::1", false, "SRv6 SIDs, outside global unicast"),
        ("4000::1", false, "unallocated"),
    ];

    #[test]
    fn every_address_form_is_judged_by_what_it_reaches() {
        let wrong: Vec<String> = JUDGED
            .iter()
            .filter(|(text, public, _)| is_public(ip(text)) != *public)
            .map(|(text, public, why)| format!("{text} ({why}) should be public: {public}"))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn the_bracketed_literal_of_a_url_is_judged_the_same() {
        let url = url::Url::parse("https://[::127.0.0.1]/hook").unwrap();
        let Some(url::Host::Ipv6(address)) = url.host() else { panic!("{url}") };
        assert!(!is_public(IpAddr::V6(address)));
    }

    #[test]
    fn allow_listed_networks_are_permitted() {
        let policy = NetworkPolicy {
            allowed_networks: vec!["10.0.0.0/8".parse().unwrap(), "::1".parse().unwrap()],
        };
        assert!(policy.permits(ip("10.200.0.1")));
        assert!(policy.permits(ip("::1")));
        assert!(!policy.permits(ip("192.168.0.1")));
        assert!(policy.permits(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("ten/8".parse::<Cidr>().is_err());
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("127.0.0.1")));
    }
}
