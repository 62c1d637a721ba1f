"""POST /v1/sync/push: the gateway forwards a device's register_patient runs here."""

from __future__ import annotations

from fastapi import APIRouter
from servicekit.auth import CurrentUser
from servicekit.transactions import RetryingTransactions

from identity.deps import ClientAddress
from identity.sync import service
from identity.sync.schemas import IdentityPush, PushOutcomes

router = APIRouter(prefix="/v1/sync", tags=["sync"])


@router.post("/push", response_model=PushOutcomes, response_model_exclude_none=True)
async def push(
    batch: IdentityPush, tx: RetryingTransactions, caller: CurrentUser, client: ClientAddress
) -> PushOutcomes:
    """Register the patients a front desk device registered offline, in order, each once.

    Front desk staff (receptionists, clinic admins) of `clinic_id` and org admins; anyone
    else gets 403 and nothing is applied. A phone or email that already has a patient
    account is matched to it (`applied`, `result.patient_id` the existing id). Devices push
    through the gateway's POST /v1/sync/push, which sends identity its runs.
    """
    return await service.push(tx=tx, actor=caller, batch=batch, client=client)
