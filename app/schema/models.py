"""Import every model module so Base.metadata knows every table."""

from app import attachments as _attachments  # noqa: F401
from app.accounts import models as _accounts  # noqa: F401
from app.certificates import models as _certificates  # noqa: F401
from app.disclosure import models as _disclosure  # noqa: F401
from app.events import Event  # noqa: F401
from app.finance import models as _finance  # noqa: F401
from app.meetings import models as _meetings  # noqa: F401
from app.people import models as _people  # noqa: F401
from app.sync import models as _sync  # noqa: F401
