# The seed's device, as akenza's "Using JSON Web Tokens" page writes it for Python
# (/work/shared/seed/akenza-mqtt-jwt-device-auth.txt, paho-mqtt + PyJWT + PyCryptodome), with the
# lines the copy lost put back from akenza's published page (iat = now, exp = now + 20 minutes;
# see the seed's README.md). The logic is the page's own: create_jwt, get_public_key_fingerprint
# and one publish.single. What differs, each for a reason:
#   - host, port, audience and device id come from the command line (the page has placeholders);
#   - `extra_claims` adds RabbitMQ's `scope` claim, which RabbitMQ needs and akenza does not;
#   - the CA file to trust is given (the page trusts the system's store, which knows akenza's CA
#     but not the test's); without one, plain TCP;
#   - Debian packages PyCryptodome as `Cryptodome` (the same library under another name).
# Usage: seed_client.py RS256|ES256 DEVICE_ID PRIVATE_PEM PUBLIC_PEM HOST PORT AUDIENCE [CLAIMS_JSON [CA_FILE]]
import datetime
import hashlib
import json
import ssl
import sys

import jwt
import paho.mqtt.publish as publish

try:
    from Crypto.PublicKey import ECC, RSA
except ImportError:  # Debian's python3-pycryptodome
    from Cryptodome.PublicKey import ECC, RSA

algorithm, device_id, private_key_file_path, public_key_file_path, host, port, audience = sys.argv[1:8]
extra_claims = json.loads(sys.argv[8]) if len(sys.argv) > 8 else {}
ca_file = sys.argv[9] if len(sys.argv) > 9 else None
port = int(port)
topic = f"/up/device/id/{device_id}"
payload = '{"temperature":22}'


def create_jwt(device_id, private_key_file, public_key_file, algorithm="RS256"):
    token = {
        "iat": datetime.datetime.now(tz=datetime.timezone.utc),
        "exp": datetime.datetime.now(tz=datetime.timezone.utc) + datetime.timedelta(minutes=20),
        "aud": audience.replace("{deviceId}", device_id),
        **extra_claims,
    }
    headers = {
        "kid": get_public_key_fingerprint(public_key_file, algorithm)
    }
    with open(private_key_file, "r") as f:
        private_key = f.read()

    return jwt.encode(token, private_key, algorithm=algorithm, headers=headers)


def get_public_key_fingerprint(public_key_file, algorithm):
    with open(public_key_file, "r") as f:
        public_key = (RSA if algorithm == "RS256" else ECC).import_key(f.read())

    return hashlib.sha256(public_key.export_key(format="DER")).hexdigest()


tls_config = None
if ca_file is not None:
    tls_config = {
        "ca_certs": ca_file,
        "cert_reqs": ssl.CERT_REQUIRED,
        "tls_version": ssl.PROTOCOL_TLSv1_2,
    }

mqtt_password = create_jwt(device_id, private_key_file_path, public_key_file_path, algorithm)
auth = {
    "username": "unused",
    "password": mqtt_password,
}

# The kid goes to stdout so the test can compare it with ours; the token never does.
print(get_public_key_fingerprint(public_key_file_path, algorithm))
publish.single(topic, payload, hostname=host, port=port, tls=tls_config, auth=auth, client_id=device_id)
