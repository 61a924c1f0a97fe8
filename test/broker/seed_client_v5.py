# The seed's device (test/rabbitmq/seed_client.py: akenza's "Using JSON Web Tokens" page, paho-mqtt
# + PyJWT + PyCryptodome) on MQTT 5. The token is made as the page makes it (create_jwt and
# get_public_key_fingerprint are the page's, iat = now, exp = now + 20 minutes); it is presented
# either as the password (the page's way) or as Authentication Data under an Authentication
# Method (`method`, MQTT 5 enhanced authentication, as Azure Event Grid's CUSTOM-JWT). One QoS 1
# publish to the device's uplink topic follows.
# Prints one line: `connack <reason code> [puback <reason code>]`; exits 0 only when both are 0.
# Usage: seed_client_v5.py password|method ES256|RS256 DEVICE_ID PRIVATE_PEM PUBLIC_PEM HOST PORT [METHOD [FORGE]]
import datetime
import hashlib
import sys
import threading

import jwt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

try:
    from Crypto.PublicKey import ECC, RSA
except ImportError:  # Debian's python3-pycryptodome
    from Cryptodome.PublicKey import ECC, RSA

via, algorithm, device_id, private_key_file_path, public_key_file_path, host, port = sys.argv[1:8]
method = sys.argv[8] if len(sys.argv) > 8 else "CUSTOM-JWT"
forge = len(sys.argv) > 9 and sys.argv[9] == "forge"
port = int(port)
topic = f"/up/device/id/{device_id}"
audience = f"https://akenza.io/devices/{device_id}"


def create_jwt(device_id, private_key_file, public_key_file, algorithm="RS256"):
    token = {
        "iat": datetime.datetime.now(tz=datetime.timezone.utc),
        "exp": datetime.datetime.now(tz=datetime.timezone.utc) + datetime.timedelta(minutes=20),
        "aud": audience,
    }
    headers = {"kid": get_public_key_fingerprint(public_key_file, algorithm)}
    with open(private_key_file, "r") as f:
        private_key = f.read()
    return jwt.encode(token, private_key, algorithm=algorithm, headers=headers)


def get_public_key_fingerprint(public_key_file, algorithm):
    with open(public_key_file, "r") as f:
        public_key = (RSA if algorithm == "RS256" else ECC).import_key(f.read())
    return hashlib.sha256(public_key.export_key(format="DER")).hexdigest()


token = create_jwt(device_id, private_key_file_path, public_key_file_path, algorithm)
if forge:
    # A token whose signature is not the device's: the last signature characters replaced.
    token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

# paho-mqtt 2.x asks which callback API to use; 1.x has no such argument.
if hasattr(mqtt, "CallbackAPIVersion"):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=device_id, protocol=mqtt.MQTTv5)
else:
    client = mqtt.Client(client_id=device_id, protocol=mqtt.MQTTv5)

connect_properties = Properties(PacketTypes.CONNECT)
if via == "method":
    connect_properties.AuthenticationMethod = method
    connect_properties.AuthenticationData = token.encode()
else:
    client.username_pw_set("unused", token)

done = threading.Event()
result = {"connack": None, "puback": None}


def on_connect(client, userdata, flags, reason_code, properties=None):
    result["connack"] = reason_code.value if hasattr(reason_code, "value") else int(reason_code)
    if result["connack"] != 0:
        done.set()
        return
    client.publish(topic, '{"temperature":22}', qos=1)


def on_publish(client, userdata, mid, reason_code=None, properties=None):
    result["puback"] = reason_code.value if hasattr(reason_code, "value") else 0
    done.set()


def on_disconnect(client, userdata, *args):
    done.set()


client.on_connect = on_connect
client.on_publish = on_publish
client.on_disconnect = on_disconnect
client.connect(host, port, keepalive=30, clean_start=True, properties=connect_properties)
client.loop_start()
done.wait(20)
client.disconnect()
client.loop_stop()
line = f"connack {result['connack']}"
if result["puback"] is not None:
    line += f" puback {result['puback']}"
print(line)
sys.exit(0 if result["connack"] == 0 and result["puback"] == 0 else 1)
