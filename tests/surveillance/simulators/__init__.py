"""Simulated Hikvision and Dahua devices: small asyncio HTTP servers on 127.0.0.1 that speak each device's event
stream as captured from real devices, for the pull process to connect to over real sockets (tests, bench/pull.py).

What they reproduce, and where it was seen:
- Digest authentication as both vendors do it: a request without credentials gets 401 with
  `WWW-Authenticate: Digest realm=..., qop="auth", nonce=...`; the retry with a correct digest gets the stream;
  a wrong password gets 401 again (Hikvision's realm "IP Camera(...)", Dahua's "Login to <serial>").
- Hikvision `GET /ISAPI/Event/notification/alertStream`: `HTTP/1.1 200 OK`, `Connection: close`,
  `Content-Type: multipart/mixed; boundary=boundary`, then forever one part per `EventNotificationAlert`
  (`Content-Type: application/xml; charset="UTF-8"`, with a Content-Length, or without it as older firmwares
  send), and while idle a keep-alive alert every few seconds: eventType `videoloss`, eventState `inactive`,
  channel 0. Sources: Hikvision ISAPI Developer Guide (Event: alertStream), the keep-alive handling of the
  open-source pyHik library (mezz64/pyHik, MIT) used by Home Assistant's hikvision integration.
- Dahua `GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5`: `multipart/x-mixed-replace;
  boundary=myboundary`, parts `Content-Type: text/plain` with `Code=VideoMotion;action=Start;index=0`, optionally
  `;data={...}` with tab-indented JSON, and `Heartbeat` every `heartbeat` seconds; Content-Length values that do
  not match the text. Sources: Dahua HTTP API for IPC & NVR (V2.x, "eventManager attach"), a public Go Dahua CGI
  client's test fixture of a real camera's stream (package `dahuacgi`, whose Content-Length is off by a few
  bytes), and the Dahua integration for Home Assistant (rroller/dahua, MIT).
No bytes were copied from those sources: the streams are rebuilt here from their documented shape.
"""
