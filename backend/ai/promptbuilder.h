#pragma once

#include "ai/responder.h"
#include "core/settings.h"

#include <QList>
#include <QString>

namespace relaydesk {

struct PromptMessage {
    QString role; // "user" or "assistant"
    QString content;
    friend bool operator==(const PromptMessage &, const PromptMessage &) = default;
};

// What every provider is asked, whatever its wire format.
struct Prompt {
    QString system;
    QList<PromptMessage> messages; // alternating, starting and ending with "user"
    int maxLength = 0;             // characters the reply may have on the platform
    int estimatedTokens = 0;       // system + messages, by estimateTokens()
};

struct PromptOptions {
    QString systemPrompt; // persona and policies; empty = defaultSystemPrompt()
    int historyMessages = 20;
    int tokenBudget = 8000; // for system prompt and history together
};

// Turns a conversation into a prompt: the configured persona plus the platform's length limit and
// the operator's instruction as the system prompt, then the newest messages that fit the token
// budget as alternating user/assistant turns.
class PromptBuilder
{
public:
    explicit PromptBuilder(PromptOptions options);

    // [ai] system_prompt_file (read here, once: start-up may block, drafting may not) wins over
    // system_prompt; a relative path is resolved against the config file's folder.
    static PromptOptions optionsFrom(const Settings &settings, int tokenBudget = 8000);
    static QString defaultSystemPrompt();
    // About four characters per token for English text, plus a little per message for the
    // role markup: close enough to budget without shipping a tokenizer per provider.
    static int estimateTokens(const QString &text);

    Prompt build(const DraftRequest &request) const;
    const PromptOptions &options() const { return m_options; }

private:
    QString systemPromptFor(const DraftRequest &request) const;
    static bool belongsInHistory(const Message &message);
    static QString contentOf(const Message &message);

    PromptOptions m_options;
};

} // namespace relaydesk
