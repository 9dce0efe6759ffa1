// The only bridge between the sandboxed renderer and main: exactly the contract's invoke and events.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

type Listener = (name: string, payload: unknown) => void;

contextBridge.exposeInMainWorld('affect', {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('affect:invoke', method, input),
  onEvent: (listener: Listener): (() => void) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on('affect:event', handler);
    return () => ipcRenderer.removeListener('affect:event', handler);
  },
});
