package transaction

import (
	"strconv"
)

// PurchaseDetails is what a merchant may report about a purchase after the
// fact: fleet, flight, fuel and lodging data, receipt lines and a
// reference.
type PurchaseDetails struct {
	Fleet     *Fleet    `json:"fleet"`
	Flight    *Flight   `json:"flight"`
	Fuel      *Fuel     `json:"fuel"`
	Lodging   *Lodging  `json:"lodging"`
	Receipt   []Receipt `json:"receipt"`
	Reference *string   `json:"reference"`
}

// Fleet is fleet-card data.
type Fleet struct {
	CardholderPromptData *FleetPrompt    `json:"cardholder_prompt_data"`
	PurchaseType         *string         `json:"purchase_type"`
	ReportedBreakdown    *FleetBreakdown `json:"reported_breakdown"`
	ServiceType          *string         `json:"service_type"`
}

// FleetPrompt is what the driver typed at the pump.
type FleetPrompt struct {
	DriverID      *string `json:"driver_id"`
	Odometer      *int64  `json:"odometer"`
	UnspecifiedID *string `json:"unspecified_id"`
	UserID        *string `json:"user_id"`
	VehicleNumber *string `json:"vehicle_number"`
}

// FleetBreakdown splits a fleet purchase into fuel, other goods and tax.
type FleetBreakdown struct {
	Fuel    *GrossAmount `json:"fuel"`
	NonFuel *GrossAmount `json:"non_fuel"`
	Tax     *FleetTax    `json:"tax"`
}

// GrossAmount is a gross amount as a decimal string.
type GrossAmount struct {
	GrossAmountDecimal *string `json:"gross_amount_decimal"`
}

// FleetTax is the tax part of a fleet purchase.
type FleetTax struct {
	LocalAmountDecimal    *string `json:"local_amount_decimal"`
	NationalAmountDecimal *string `json:"national_amount_decimal"`
}

// Flight describes an airline ticket.
type Flight struct {
	DepartureAt   *int64      `json:"departure_at"`
	PassengerName *string     `json:"passenger_name"`
	Refundable    *bool       `json:"refundable"`
	Segments      []FlightLeg `json:"segments"`
	TravelAgency  *string     `json:"travel_agency"`
}

// FlightLeg is one leg of a flight.
type FlightLeg struct {
	ArrivalAirportCode   *string `json:"arrival_airport_code"`
	Carrier              *string `json:"carrier"`
	DepartureAirportCode *string `json:"departure_airport_code"`
	FlightNumber         *string `json:"flight_number"`
	ServiceClass         *string `json:"service_class"`
	StopoverAllowed      *bool   `json:"stopover_allowed"`
}

// Fuel describes fuel bought. Type, unit and unit cost are always reported
// on a transaction.
type Fuel struct {
	IndustryProductCode *string `json:"industry_product_code"`
	QuantityDecimal     *string `json:"quantity_decimal"`
	Type                string  `json:"type"`
	Unit                string  `json:"unit"`
	UnitCostDecimal     string  `json:"unit_cost_decimal"`
}

// Lodging describes a hotel stay.
type Lodging struct {
	CheckInAt *int64 `json:"check_in_at"`
	Nights    *int64 `json:"nights"`
}

// Receipt is one line of a receipt.
type Receipt struct {
	Description *string  `json:"description"`
	Quantity    *float64 `json:"quantity"`
	Total       *int64   `json:"total"`
	UnitCost    *int64   `json:"unit_cost"`
}

// PurchaseParams is the purchase_details parameter. It has the shape of
// PurchaseDetails except that receipt quantities arrive as decimal strings
// and fuel may leave out what the object always shows.
type PurchaseParams struct {
	Fleet  *Fleet  `json:"fleet"`
	Flight *Flight `json:"flight"`
	Fuel   *struct {
		IndustryProductCode *string `json:"industry_product_code"`
		QuantityDecimal     *string `json:"quantity_decimal"`
		Type                *string `json:"type"`
		Unit                *string `json:"unit"`
		UnitCostDecimal     *string `json:"unit_cost_decimal"`
	} `json:"fuel"`
	Lodging *Lodging `json:"lodging"`
	Receipt []struct {
		Description *string `json:"description"`
		Quantity    *string `json:"quantity"`
		Total       *int64  `json:"total"`
		UnitCost    *int64  `json:"unit_cost"`
	} `json:"receipt"`
	Reference *string `json:"reference"`
}

// Details turns the parameter into the object's purchase_details; nil when
// nothing was reported.
func (p *PurchaseParams) Details() *PurchaseDetails {
	if p == nil {
		return nil
	}
	d := &PurchaseDetails{Fleet: p.Fleet, Flight: p.Flight, Lodging: p.Lodging, Reference: p.Reference}
	if f := p.Fuel; f != nil {
		d.Fuel = &Fuel{IndustryProductCode: f.IndustryProductCode, QuantityDecimal: f.QuantityDecimal,
			Type: orDefault(f.Type, "other"), Unit: orDefault(f.Unit, "other"), UnitCostDecimal: orDefault(f.UnitCostDecimal, "0")}
	}
	for _, r := range p.Receipt {
		line := Receipt{Description: r.Description, Total: r.Total, UnitCost: r.UnitCost}
		if r.Quantity != nil {
			// Validation has already checked the decimal format.
			if q, err := strconv.ParseFloat(*r.Quantity, 64); err == nil {
				line.Quantity = &q
			}
		}
		d.Receipt = append(d.Receipt, line)
	}
	return d
}

func orDefault(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}
