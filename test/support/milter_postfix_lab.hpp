// A private Postfix on loopback for the milter's end-to-end tests: its
// own configuration, queue and mailbox folders under a temp_dir, smtpd
// on a free port with `smtpd_milters` pointing at the milter and
// `milter_default_action = tempfail`, and virtual delivery of every
// recipient in the local domains into one Maildir.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lab {

struct milter_postfix_options {
	std::string milter_socket; // Postfix spelling: inet:127.0.0.1:PORT
	std::vector<std::string> local_domains{"example.net"};
	std::string hostname = "mx.example.net";
	std::vector<std::string> extra_main_cf; // more "key = value" lines
};

class milter_postfix_lab {
      public:
	explicit milter_postfix_lab(milter_postfix_options options);
	~milter_postfix_lab();
	milter_postfix_lab(milter_postfix_lab const &) = delete;
	milter_postfix_lab &operator=(milter_postfix_lab const &) = delete;

	// Writes the configuration and starts Postfix; throws
	// std::runtime_error with Postfix's log on failure.
	void start();
	void stop();

	int smtp_port() const;
	std::filesystem::path folder() const;

	// Files in the queue (incoming, active, deferred, hold, maildrop).
	std::vector<std::filesystem::path> queue_files() const;
	// Delivered messages (the Maildir's new/ and cur/), oldest first.
	std::vector<std::filesystem::path> delivered() const;
	// Waits until at least `count` messages are delivered.
	bool wait_delivered(std::size_t count, int seconds = 20) const;
	std::string log() const;

	// Sends one message with swaks; returns swaks' transcript (SMTP
	// replies included). `extra` are more swaks arguments.
	std::string swaks(std::string const &from, std::string const &to,
	                  std::vector<std::string> const &extra = {}) const;

      private:
	struct impl;
	std::unique_ptr<impl> impl_;
};

} // namespace lab
