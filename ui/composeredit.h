#pragma once

#include <QPlainTextEdit>

class QCompleter;

namespace relaydesk::ui {

// The composer's text field. While the canned-response popup is open, the keys that pick or
// dismiss an entry belong to the popup: QCompleter offers them to the edit first and only acts
// when the edit leaves them alone.
class ComposerEdit : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit ComposerEdit(QWidget *parent = nullptr);

    void setCompleter(QCompleter *completer) { m_completer = completer; }

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    QCompleter *m_completer = nullptr;
};

} // namespace relaydesk::ui
