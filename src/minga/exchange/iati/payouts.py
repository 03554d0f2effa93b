"""Which of an IATI activity's commitments each of its disbursements pays out.

IATI gives an activity's outgoing commitments (type 2) and its disbursements (3, and 7 reimbursements) as
transactions side by side, with nothing that says which disbursement pays which commitment. Minga counts a sum
of money once, at its latest stage (docs/finance.md, "Counting once"): a disbursement lowers the rest of the
commitment it is linked to. Unlinked, every imported commitment counted in full beside the disbursements that
paid it out: over the shared activity files (values summed as published), 809.0 billion of funding where the
larger of each activity's commitments and disbursements sums to 647.4 billion.

A disbursement names one commitment (``FundingFlow.commitment``) and is never split between two. Each is given,
in the file's order, to the commitment of the same receiver (else of any receiver) that has the most left to
pay; a commitment whose disbursements outgrow it leaves nothing, never less. When one disbursement is larger than
what any single commitment has left, the excess cannot lower a second commitment, and the activity's funding
exceeds the larger of its commitments and disbursements by that excess: 0.007 % over the shared files
(``test_payouts_over_the_shared_files``).

Pure: values in, positions out. The import calls it per activity (``transactions.write``), and migration exchange
0009 for what earlier imports stored.
"""

from decimal import Decimal

COMMITMENT, DISBURSEMENT = "commitment", "disbursement"


def payouts(flows) -> dict[int, int]:
    """``flows``: (stage, receiver, value) per flow of one activity, in the file's order; ``value`` the flow's US
    dollars, else its amount. Gives {disbursement's index: the index of the commitment it pays out}."""
    left: dict[int, Decimal] = {}
    receivers: dict[int, object] = {}
    for index, (stage, receiver, value) in enumerate(flows):
        if stage == COMMITMENT:
            left[index], receivers[index] = value, receiver
    if not left:
        return {}
    paid = {}
    for index, (stage, receiver, value) in enumerate(flows):
        if stage != DISBURSEMENT:
            continue
        same = [commitment for commitment in left if receivers[commitment] == receiver]
        # The most left to pay; at equal rests, the first given.
        chosen = max(same or left, key=lambda commitment: (left[commitment], -commitment))
        left[chosen] -= value
        paid[index] = chosen
    return paid
