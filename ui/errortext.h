#pragma once

#include "core/outcome.h"

#include <QCoreApplication>
#include <QString>

namespace relaydesk::ui {

// Turns an engine error into a sentence for the status bar or an inline banner. The engine's own
// message is technical English; the translated lead-in tells the operator what kind of problem
// it is and whether waiting helps.
class ErrorText
{
    Q_DECLARE_TR_FUNCTIONS(ErrorText)

public:
    static QString describe(const Error &error);
    // `action` says what the operator tried ("Approving the draft"), so the sentence stands alone.
    static QString describe(const QString &action, const Error &error);
};

} // namespace relaydesk::ui
