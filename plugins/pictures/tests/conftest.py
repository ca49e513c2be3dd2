"""The picture-set tests run on the host's fakes (``tests/host_fakes.py``): a fake engine reads
sizes from the bytes ``FAKE WxH FORMAT``, so no image library is needed."""

from tests.host_fakes import ik_fakes as ik_fakes
