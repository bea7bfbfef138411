// The Lua script that adds one message to history records in Redis,
// atomically (Redis runs a script without interleaving other commands).
// It mirrors apply_observation() in history_record.cpp; the end-to-end
// test checks that both give the same records.
//
// A record is a hash: ver=1, f (first seen), l (last seen), n (messages),
// va vt vq vr (verdict counts), "a:TYPE" and "r:DOMAIN" (set counts).
//
// KEYS: the records. ARGV: now, expiry seconds, max set size, verdict
// field (va|vt|vq|vr), Reply-To domain ("" for none), attachment types...
#pragma once

namespace ai::detail {

inline constexpr char history_update_lua[] = R"lua(
local now = tonumber(ARGV[1])
local expiry = tonumber(ARGV[2])
local max_items = tonumber(ARGV[3])
local verdict = ARGV[4]
local reply = ARGV[5]
local counters = {'n', 'va', 'vt', 'vq', 'vr'}

local function int(s)
	if type(s) ~= 'string' or #s > 15 or not string.match(s, '^%d+$') then
		return nil
	end
	return tonumber(s)
end

local function sorts_before(a, b)
	for i = 1, math.min(#a, #b) do
		local x, y = string.byte(a, i), string.byte(b, i)
		if x ~= y then return x < y end
	end
	return #a < #b
end

local function fresh()
	return {f = now, l = now, n = 0, va = 0, vt = 0, vq = 0, vr = 0,
		sets = {['a:'] = {}, ['r:'] = {}}}
end

-- The stored record, or nil when it is missing or damaged.
local function load(key)
	local flat = redis.call('HGETALL', key)
	if #flat == 0 then return nil end
	local r = {sets = {['a:'] = {}, ['r:'] = {}}}
	local raw = {}
	for i = 1, #flat, 2 do
		local prefix = string.sub(flat[i], 1, 2)
		if r.sets[prefix] then
			local c = int(flat[i + 1])
			if c == nil or c == 0 then return nil end
			r.sets[prefix][string.sub(flat[i], 3)] = c
		else
			raw[flat[i]] = flat[i + 1]
		end
	end
	if raw.ver ~= '1' then return nil end
	r.f, r.l = int(raw.f), int(raw.l)
	for _, c in ipairs(counters) do r[c] = int(raw[c]) end
	if not (r.f and r.l and r.n and r.va and r.vt and r.vq and r.vr) then return nil end
	if r.n == 0 or r.f > r.l or r.va + r.vt + r.vq + r.vr ~= r.n then return nil end
	return r
end

local function bump(set, name)
	if set[name] then
		if set[name] < 4294967295 then set[name] = set[name] + 1 end
		return
	end
	local size = 0
	for _ in pairs(set) do size = size + 1 end
	while size >= max_items do
		local victim, low = nil, nil
		for k, c in pairs(set) do
			if low == nil or c < low or (c == low and sorts_before(victim, k)) then
				victim, low = k, c
			end
		end
		set[victim] = nil
		size = size - 1
	end
	set[name] = 1
end

for _, key in ipairs(KEYS) do
	local r = load(key)
	if r == nil or now - r.l > expiry then r = fresh() end
	if r.n == 0 then r.f, r.l = now, now end
	r.f = math.min(r.f, now)
	r.l = math.max(r.l, now)
	r.n = r.n + 1
	r[verdict] = r[verdict] + 1
	for i = 6, #ARGV do bump(r.sets['a:'], ARGV[i]) end
	if reply ~= '' then bump(r.sets['r:'], reply) end

	local fields = {'ver', '1'}
	for _, f in ipairs({'f', 'l', 'n', 'va', 'vt', 'vq', 'vr'}) do
		table.insert(fields, f)
		table.insert(fields, string.format('%d', r[f]))
	end
	for prefix, set in pairs(r.sets) do
		for name, c in pairs(set) do
			table.insert(fields, prefix .. name)
			table.insert(fields, string.format('%d', c))
		end
	end
	redis.call('DEL', key)
	redis.call('HSET', key, unpack(fields))
	redis.call('EXPIRE', key, expiry)
end
return #KEYS
)lua";

} // namespace ai::detail
