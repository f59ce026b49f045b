extern alias ServerAssembly;
using System.Buffers.Binary;
using System.Net;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Net;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>The classifier of non-public addresses, against ranges written out as CIDR here, and the rule
/// that an IPv6 form carrying an IPv4 address is judged by that address, whichever form carries it.</summary>
public sealed class PrivateAddressesPropertyTests
{
    private static readonly IPNetwork[] PrivateV4 =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
            "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        }.Select(IPNetwork.Parse),
    ];

    private static IPAddress V4(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    private static IPAddress V6(ulong high, ulong low)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), low);
        return new IPAddress(bytes);
    }

    [Fact]
    public void Ipv4_addresses_are_private_exactly_when_a_listed_range_holds_them()
    {
        // Half the samples near range edges, where an off-by-one in a prefix would show.
        var edges = Gen.Select(Gen.Int[0, PrivateV4.Length - 1], Gen.Bool, Gen.Int[-2, 2], (i, end, offset) =>
        {
            var network = BinaryPrimitives.ReadUInt32BigEndian(PrivateV4[i].BaseAddress.GetAddressBytes());
            var size = (uint)(1UL << (32 - PrivateV4[i].PrefixLength));
            return unchecked((end ? network + size : network) + (uint)offset);
        });
        Gen.OneOf(Gen.UInt, edges).Sample(value =>
        {
            var address = V4(value);
            Assert.Equal(PrivateV4.Any(n => n.Contains(address)), PrivateAddresses.IsPrivate(address));
        }, iter: 50_000);
    }

    [Fact]
    public void An_embedded_ipv4_address_is_judged_the_same_in_every_ipv6_form()
    {
        Gen.Select(Gen.UInt, Gen.UInt, Gen.UShort).Sample((value, noise, subnet) =>
        {
            var expected = PrivateAddresses.IsPrivate(V4(value));
            Assert.Equal(expected, PrivateAddresses.IsPrivate(V4(value).MapToIPv6()));           // ::ffff:a.b.c.d
            Assert.Equal(expected, PrivateAddresses.IsPrivate(V6(0, value)));                    // ::a.b.c.d
            Assert.Equal(expected, PrivateAddresses.IsPrivate(V6(0, 0xFFFF_0000_0000_0000 | value))); // ::ffff:0:a.b.c.d
            Assert.Equal(expected, PrivateAddresses.IsPrivate(V6(0x0064_FF9B_0000_0000, value))); // 64:ff9b::a.b.c.d
            // 2002:aabb:ccdd:subnet::, 6to4; the interface id is anything.
            Assert.Equal(expected, PrivateAddresses.IsPrivate(V6(0x2002_0000_0000_0000UL | (ulong)value << 16 | subnet, (ulong)noise << 32 | noise)));
            // 2001:0:server:flags:port:client, Teredo: the client address is inverted; a private server makes
            // the address private too.
            Assert.Equal(expected || PrivateAddresses.IsPrivate(V4(noise)), PrivateAddresses.IsPrivate(V6(0x2001_0000_0000_0000UL | noise, (ulong)subnet << 32 | ~value)));
        }, iter: 50_000);
    }

    [Fact]
    public void Local_ipv6_ranges_are_private_and_other_global_unicast_is_public()
    {
        Gen.Select(Gen.ULong, Gen.ULong).Sample((high, low) =>
        {
            Assert.True(PrivateAddresses.IsPrivate(V6(0xFC00_0000_0000_0000 | high >> 7, low)));      // fc00::/7
            Assert.True(PrivateAddresses.IsPrivate(V6(0xFE80_0000_0000_0000 | high >> 10, low)));     // fe80::/10
            Assert.True(PrivateAddresses.IsPrivate(V6(0xFF00_0000_0000_0000 | high >> 8, low)));      // ff00::/8
            Assert.True(PrivateAddresses.IsPrivate(V6(0x2001_0DB8_0000_0000 | high >> 32, low)));     // 2001:db8::/32
            Assert.True(PrivateAddresses.IsPrivate(V6(0x0064_FF9B_0001_0000 | high >> 48, low)));     // 64:ff9b:1::/48
            var global = 0x2000_0000_0000_0000 | high >> 3;                                            // 2000::/3 …
            if (global >> 48 != 0x2002 && global >> 32 is not (0x2001_0000 or 0x2001_0DB8))          // … but 6to4, Teredo, documentation
                Assert.False(PrivateAddresses.IsPrivate(V6(global, low)));
        }, iter: 50_000);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.20.30.40", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.0", false)]
    [InlineData("255.255.255.255", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("::127.0.0.3", true)]
    [InlineData("::ffff:192.168.1.1", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("64:ff9b::7f00:1", true)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("2002:a00:1::1", true)]
    [InlineData("2002:808:808::1", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", true)] // Teredo client 127.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7", false)] // Teredo client 8.8.8.8
    [InlineData("fd12:3456::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2606:4700:4700::1111", false)]
    public void Known_addresses(string address, bool isPrivate) => Assert.Equal(isPrivate, PrivateAddresses.IsPrivate(IPAddress.Parse(address)));
}
