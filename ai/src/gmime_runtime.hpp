// GMime set-up shared by the MIME walk: one global initialisation, and
// owning handles for GObjects.
#pragma once

#include <gmime/gmime.h>

#include <memory>

namespace ai::detail {

// Initialises GMime once per process; safe to call from any thread.
// g_mime_init() is not thread-safe itself, and GMime objects may be used
// from many threads afterwards as long as each object stays in one.
void ensure_gmime();

struct gobject_unref {
	void operator()(void *object) const
	{
		if (object)
			g_object_unref(object);
	}
};

template <typename T>
using gobject_ptr = std::unique_ptr<T, gobject_unref>;

} // namespace ai::detail
