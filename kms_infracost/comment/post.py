"""The behaviours, as `infracost comment` has them.

- update (default): edit the newest of the tool's own comments (left as it is when the text is the same),
  or create one when there is none;
- new: add a comment, leave earlier ones;
- delete-and-new: delete the tool's earlier comments, then add one.
"""

from __future__ import annotations

from kms_infracost.comment.platforms import Comment, Platform


def post(platform: Platform, body: str, marker: str, behavior: str) -> tuple[str, Comment]:
    """What was done (created, updated, unchanged) and the comment it was done to."""
    if behavior == "new":
        return "created", platform.create(body)
    earlier = platform.ours(marker)
    if behavior == "delete-and-new":
        for comment in earlier:
            platform.delete(comment)
        return "created", platform.create(body)
    if not earlier:
        return "created", platform.create(body)
    newest = earlier[-1]
    if newest.body.strip() == body.strip():
        return "unchanged", newest
    return "updated", platform.update(newest, body)
