package token

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/issuing"
)

// tokenRequestors are the wallets' token requestor ids, as the networks
// know them.
var tokenRequestors = map[string]struct{ visa, mastercard, name string }{
	"apple_pay":   {"40010030273", "50110030273", "APPLE_PAY"},
	"google_pay":  {"40010075001", "50120834693", "ANDROID_PAY"},
	"samsung_pay": {"40010043095", "50139059239", "SAMSUNG_PAY"},
}

// networkOf is the network that issued a card's brand.
func networkOf(brand string) string {
	if strings.EqualFold(brand, "mastercard") {
		return "mastercard"
	}
	return "visa"
}

// newNetworkData makes up what the network and the wallet would report on
// provisioning: references in each network's format, the device, and a
// wallet risk assessment that approves.
func newNetworkData(r *record, c *card.Card, device *Device) *NetworkData {
	req := tokenRequestors[r.WalletProvider]
	nd := &NetworkData{Type: r.Network}
	switch r.Network {
	case "mastercard":
		nd.Mastercard = &Mastercard{
			CardReferenceID:    "V-" + randomDigits(19),
			TokenReferenceID:   "DAPLMC" + randomHex(32),
			TokenRequestorID:   req.mastercard,
			TokenRequestorName: req.name,
		}
	default:
		ref := "v-" + randomHex(24)
		nd.Visa = &Visa{
			CardReferenceID:  &ref,
			TokenReferenceID: "DNITHE" + randomDigits(18),
			TokenRequestorID: req.visa,
			TokenRiskScore:   "00",
		}
	}
	d := Device{Type: "phone", Name: "iPhone", IPAddress: "127.0.0.1", Location: "+37.7749-122.4194/"}
	if r.WalletProvider != "apple_pay" {
		d.Name = "Pixel"
	}
	if device != nil {
		d = mergeDevice(d, *device)
	}
	if r.DeviceFingerprint != nil {
		d.DeviceFingerprint = *r.DeviceFingerprint
	}
	nd.Device = &d

	wp := &WalletProvider{
		AccountTrustScore:        5,
		DeviceTrustScore:         5,
		CardNumberSource:         "manual",
		SuggestedDecision:        "approve",
		SuggestedDecisionVersion: "1.0",
		ReasonCodes:              []string{},
	}
	if h := c.Cardholder; h != nil {
		wp.CardholderName = h.Name
		if a := h.Billing.Address; a.Line1 != nil && a.PostalCode != nil {
			wp.CardholderAddress = &CardholderAddress{Line1: *a.Line1, PostalCode: *a.PostalCode}
		}
		if h.Email != nil {
			sum := sha256.Sum256([]byte(strings.ToLower(*h.Email)))
			wp.HashedAccountEmailAddress = hex.EncodeToString(sum[:])
		}
	}
	nd.WalletProvider = wp
	return nd
}

// mergeDevice overlays the device details a test supplied on the defaults.
func mergeDevice(d, given Device) Device {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&d.DeviceFingerprint, given.DeviceFingerprint}, {&d.IPAddress, given.IPAddress},
		{&d.Location, given.Location}, {&d.Name, given.Name},
		{&d.PhoneNumber, given.PhoneNumber}, {&d.Type, given.Type},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	return d
}

func randomDigits(n int) string { return issuing.RandomDigits(n) }

func randomHex(n int) string { return issuing.RandomFrom("0123456789ABCDEF", n) }
