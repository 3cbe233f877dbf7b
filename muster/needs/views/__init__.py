"""Pages of the needs app, by subject: `members` (open needs, my commitments; phones first),
`checkin` (codes and QR), `board` (the coordinator's board and its export), `needs` (a need's
own pages and decisions on its reports) and `dispatch` (runs and cadre deployments).

`urls.py` routes to the modules themselves.
"""
