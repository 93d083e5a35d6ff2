package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/physicalbundle"
	"github.com/localissuing/localissuing/store"
)

// physicalBundles serves the fixed catalogue from memory: an account has
// its bundles before anything is written for it. The stored copies that
// designs write exist only so that expanding physical_bundle finds them.
func physicalBundles(s *api.Server) {
	s.RegisterKind(api.Kind{Name: physicalbundle.Kind, Noun: physicalbundle.Noun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return physicalbundle.Render(obj)
		}})

	s.Read("GET /v1/issuing/physical_bundles/{physical_bundle}", func(c *api.Call, _ store.Reader) (any, error) {
		return physicalbundle.Get(c.Account, c.PathValue("physical_bundle"), "physical_bundle")
	})
	s.Read("GET /v1/issuing/physical_bundles", func(c *api.Call, _ store.Reader) (any, error) {
		status, _ := c.Params["status"].(string)
		typ, _ := c.Params["type"].(string)
		return api.PageOf(c, "/v1/issuing/physical_bundles", physicalbundle.Noun, physicalbundle.All(c.Account),
			func(b *physicalbundle.Bundle) string { return b.ID },
			func(b *physicalbundle.Bundle) bool {
				return (status == "" || b.Status == status) && (typ == "" || b.Type == typ)
			})
	})
}
