"""Bundle size: 5,000 survey responses in one bundle take at most 1.1 x gzip -9 of the same canonical JSON."""

from __future__ import annotations

import gzip

from sqlalchemy import select

from postapp.survey import responses
from postapp.survey.demo import generate_round
from postapp.survey.models import SurveyResponse
from postapp.sync.canonical import canonical_json
from postapp.sync.post_side import next_bundle
from tests.sync.conftest import Post
from tests.sync.helpers import open_at_hq

RESPONSES = 5000


def test_a_bundle_of_5000_responses_is_no_larger_than_gzip(post: Post) -> None:
    with post.store.session() as session:
        generate_round(session, RESPONSES, interviews=False)
        for response_id in session.scalars(select(SurveyResponse.id)):
            responses.queue(session, responses.RESPONSE_RECORD, response_id)
        made = next_bundle(session, post.keys)
    assert made is not None
    data = made[1]
    opened = open_at_hq(data, post.keys.public())
    assert sum(1 for r in opened.records if r.type == "survey_response") == RESPONSES
    plain = canonical_json(opened.payload)
    gzipped = len(gzip.compress(plain, 9))
    ratio = len(data) / gzipped
    print(f"\n{RESPONSES} responses: canonical JSON {len(plain):,} B, gzip -9 {gzipped:,} B, "
          f"bundle {len(data):,} B, bundle/gzip {ratio:.3f}")
    assert len(data) <= 1.1 * gzipped
