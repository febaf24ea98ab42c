import { render } from 'preact';
import { App } from './components/App';
import { applyTheme } from './components/theme';
import './styles/app.css';

applyTheme();
render(<App />, document.getElementById('app')!);
