-- Drives the installed 1dall-milter (socket from -D socket=...).
-- 1. A client in TrustedNetworks (127.0.0.1 by default) skips the
--    inbound check: RCPT must continue.
-- 2. An outside client sending from a domain that publishes nothing
--    must never be accepted: refused (550 when DNS answers NXDOMAIN) or
--    deferred (451 when DNS cannot be reached, as in a sandbox).

local function session(client_ip, sender, rcpt)
	local conn = mt.connect(socket, 50, 0.1)
	if conn == nil then error("cannot connect to " .. socket) end
	if mt.negotiate(conn, nil, nil, nil) then error("negotiation failed") end
	mt.conninfo(conn, "client.example", client_ip)
	mt.helo(conn, "client.example")
	mt.macro(conn, SMFIC_MAIL, "i", "PKGTEST")
	mt.mailfrom(conn, sender)
	mt.rcptto(conn, rcpt)
	local got = mt.getreply(conn)
	mt.disconnect(conn)
	return got
end

local trusted = session("127.0.0.1", "<alice@example.net>", "<bob@example.org>")
if trusted ~= SMFIR_CONTINUE then
	error("trusted network: expected continue, got " .. string.char(trusted))
end

local outside = session("192.0.2.7", "<x@unpublished.invalid>", "<bob@example.org>")
if outside ~= SMFIR_REPLYCODE and outside ~= SMFIR_TEMPFAIL then
	error("outside sender: expected a refusal or deferral, got " .. string.char(outside))
end
