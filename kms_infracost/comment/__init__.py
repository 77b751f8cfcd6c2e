"""`kms-infracost comment github|gitlab`: one pull/merge-request comment from one or more JSON reports.

The only part of the tool that uses the network, and only the API URL it was given. Layers, one direction:
`reports` (read and merge JSON reports, render the markdown with a hidden marker) -> `http` (urllib, errors as
one line) -> `github` / `gitlab` (list, create, update, delete comments) -> `post` (the behaviours).
"""
