package authorization

import "testing"

func TestHelpersNeedAPendingDecidedAuthorization(t *testing.T) {
	states := map[string]record{
		"pending":                     {Authorization: Authorization{Status: StatusPending, Approved: true}},
		"awaiting a real-time answer": {Authorization: Authorization{Status: StatusPending, PendingRequest: &PendingRequest{}}},
		"closed":                      {Authorization: Authorization{Status: StatusClosed, Approved: true}},
		"declined":                    {Authorization: Authorization{Status: StatusClosed}},
		"reversed":                    {Authorization: Authorization{Status: StatusReversed, Approved: true}},
		"expired":                     {Authorization: Authorization{Status: StatusExpired, Approved: true}},
	}
	for helper := range helperVerbs {
		for name, r := range states {
			r.ID = "iauth_1"
			err := checkActionable(&r, helper)
			if ok := name == "pending"; (err == nil) != ok {
				t.Errorf("%s on %s: err = %v, want allowed=%v", helper, name, err, ok)
			}
		}
	}
}
