// MainWindow: the application shell (workspace selector, pages, status bar).
#pragma once

#include <QMainWindow>

namespace anyrouter {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace anyrouter
