package routes

import (
	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/listen"
	"github.com/localissuing/localissuing/store"
)

// stripeCLI serves the session request of `stripe listen`; the websocket
// it names is listen.Hub's, in front of the API.
func stripeCLI(s *api.Server) {
	s.Write("POST "+listen.SessionsPath, func(c *api.Call, tx store.Tx) (any, error) {
		url, ok := listen.WebsocketURL(c.Ctx)
		if !ok {
			return nil, issuing.Invalid("", "stripe listen is not available: this server was started without "+
				"the websocket endpoint that sessions stream on.")
		}
		var p listen.SessionParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return listen.CreateSession(c.Ctx, tx, c.Account, c.Now, url, p)
	})
}
