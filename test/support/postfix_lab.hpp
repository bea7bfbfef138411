// A private Postfix instance for end-to-end tests: its own config,
// queue and data folders under a lab folder, smtpd on a loopback port,
// nothing else listening, no DNS, no outbound mail. Runs as root with
// Postfix's usual accounts (mail_owner postfix, setgid_group postdrop).
//
//   lab::postfix_lab mta(dir / "postfix", {.main_cf_extra = "..."});
//   REQUIRE(mta.start());
//   ... swaks --server 127.0.0.1:mta.smtp_port() ...
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace lab {

struct postfix_options {
	std::string main_cf_extra;   // appended to main.cf (later lines win)
	std::string master_cf_extra; // appended to master.cf (extra services)
	int smtp_port = 0;           // 0: a free port
	// Where the mail log goes; empty: ROOT/log/maillog. Kept apart so a
	// test can inspect the instance's folders without its log.
	std::filesystem::path log_file;
};

class postfix_lab {
      public:
	postfix_lab(std::filesystem::path root, postfix_options options = {});
	~postfix_lab();
	postfix_lab(postfix_lab const &) = delete;
	postfix_lab &operator=(postfix_lab const &) = delete;

	// Writes the configuration, runs `postfix check` and `postfix start`,
	// and waits for smtpd to accept. On failure `error` says why.
	bool start(std::string *error = nullptr);
	void stop();
	bool running() const { return started_; }

	int smtp_port() const { return port_; }
	std::filesystem::path const &root() const { return root_; }
	std::filesystem::path config_dir() const { return root_ / "etc"; }
	std::filesystem::path queue_dir() const { return root_ / "queue"; }
	std::filesystem::path const &log_file() const { return log_file_; }

	std::string log() const;
	// Polls the mail log until it contains `text`.
	bool wait_for_log(std::string const &text,
	                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

	// postqueue -p output, and whether the queue is empty.
	std::string mailq() const;
	bool queue_empty() const;
	// Polls until the queue is empty.
	bool wait_queue_empty(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
	// postqueue -f: retry deferred mail now.
	void flush() const;
	// postsuper -H ALL: release held mail.
	void release_held() const;
	// Runs a Postfix command with -c CONFIG_DIR added after the program.
	int postfix_command(std::vector<std::string> argv, std::string *output = nullptr) const;

      private:
	void write_config() const;

	std::filesystem::path root_;
	postfix_options options_;
	std::filesystem::path log_file_;
	int port_ = 0;
	bool started_ = false;
};

} // namespace lab
