// Renderer entry: mounts the editor. Everything it needs from the outside world comes through the
// typed API object (preload bridge in Electron, HTTP client under the web host).
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
export default mount(App, { target });
